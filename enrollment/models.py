"""Registrations for courses, the units that nominate trainees, and nominee imports."""

import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation, Region
from courses.models import Course, DiscussionGroup
from jobs.models import BackgroundJob


class NominatingUnit(models.Model):
    """An organisation an organiser appointed to register its own people for one course."""

    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="nominating_units",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominating_units",
    )
    seat_allowance = models.PositiveIntegerField(
        _("seat allowance"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit of its own (the course's seat rules still apply)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "pk"]
        verbose_name = _("nominating unit")
        verbose_name_plural = _("nominating units")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "organisation"], name="nominating_unit_unique_per_course"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


ACTIVE_STATUSES = ("pending", "confirmed", "waitlisted")
HELD_STATUSES = ("pending", "confirmed")


class Registration(models.Model):
    """One trainee's registration for one course, with a snapshot of who they were then."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("registration status", "Pending approval")
        CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
        WAITLISTED = "waitlisted", pgettext_lazy("registration status", "Waiting list")
        REJECTED = "rejected", pgettext_lazy("registration status", "Rejected")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    class Source(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_BEHALF = "on_behalf", _("On behalf")
        IMPORT = "import", _("Spreadsheet import")

    # No index of their own: (course, status) and (trainee, status) below serve every lookup
    # by course or by trainee, and each index less is less work for every registration.
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="registrations",
        db_index=False,
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="registrations",
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.ONLINE
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    nominating_unit = models.ForeignKey(
        NominatingUnit,
        verbose_name=_("nominating unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    discussion_group = models.ForeignKey(
        DiscussionGroup,
        verbose_name=_("discussion group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    # The trainee's details as they were when registering: later profile changes (a new job,
    # another province) must not move a seat between quotas.
    full_name = models.CharField(pgettext_lazy("person", "full name"), max_length=100)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    organisation_type = models.CharField(
        _("organisation type"), max_length=30, choices=Organisation.Type.choices
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("mobile number"), max_length=11, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(_("joined the waiting list"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    if TYPE_CHECKING:
        # Not a field: the place on the waiting list (None when not waiting), set by the
        # selectors and services whose pages show it.
        place: int | None

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "trainee"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="registration_one_active_per_trainee",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status"], name="registration_course_status"),
            models.Index(
                fields=["course", "waitlisted_at", "id"],
                name="registration_waiting_list",
                condition=Q(status="waitlisted"),
            ),
            models.Index(fields=["trainee", "status"], name="registration_trainee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} – {self.course}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def holds_seat(self) -> bool:
        return self.status in HELD_STATUSES

    @property
    def seat_group(self) -> tuple[int, str]:
        """Whom the seat rules count this registration with: (region id, organisation type)."""
        return (self.region_id, self.organisation_type)

    @property
    def waitlist_place(self) -> int | None:
        """The position from the selectors' `ahead` annotation (None when not waiting)."""
        if self.status != self.Status.WAITLISTED or not hasattr(self, "ahead"):
            return None
        return (self.ahead or 0) + 1


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret that makes a trainee's personal calendar URL; regenerating it revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("account", "user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("enrollment:calendar-feed", args=[self.token])


def import_upload_to(instance: "ImportJob", filename: str) -> str:
    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportJob(BackgroundJob):
    """A nominee spreadsheet checked and imported by a worker, with its progress (rows checked,
    then registered) and errors. Its file is the upload, deleted once the job is over.

    A check that finds only rows for existing accounts with another name or unit (in the
    worker, or in the request for a small file) leaves the job waiting for the uploader's
    choice, its file kept: registering them with their own profiles queues it again, stopping
    deletes it, and so does the sweep after a day without a choice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        INVALID = "invalid", _("Errors found")
        AWAITING = "awaiting", _("Waiting for your choice")
        FAILED = "failed", _("Failed")

    run_task = "enrollment.import_run"
    stale_setting = "PORTAL_IMPORT_STALE_SECONDS"
    # "awaiting" is over for the worker (the page stops polling), not for the uploader.
    finished_statuses = ("done", "invalid", "awaiting", "failed")
    claim_related = ("course", "uploaded_by")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    nominating_unit = models.ForeignKey(
        NominatingUnit,
        verbose_name=_("nominating unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.FileField(
        pgettext_lazy("uploaded file", "file"), upload_to=import_upload_to, blank=True
    )
    original_name = models.CharField(pgettext_lazy("uploaded file", "file name"), max_length=200)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_count = models.PositiveIntegerField(_("registrations created"), default=0)
    keep_existing_profiles = models.BooleanField(
        _("register existing accounts with their own profiles"), default=False
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("nominee import")
        verbose_name_plural = _("nominee imports")

    def __str__(self) -> str:
        return self.original_name
