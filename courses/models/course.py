"""A course and the seats it reserves per region and organisation type."""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from accounts.models import Organisation, Region
from courses import time_zones
from courses.quotas import QuotaKey
from courses.time_zones import DEFAULT_TIME_ZONE
from portal.indexes import trigram_index


class Course(models.Model):
    """One training event: dates, venue, capacity, organisers and a timetable."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("course status", "Draft")
        PUBLISHED = "published", pgettext_lazy("course status", "Published")
        CANCELLED = "cancelled", pgettext_lazy("course status", "Cancelled")
        ARCHIVED = "archived", pgettext_lazy("course status", "Archived")

    class Category(models.TextChoices):
        POLICY = "policy", _("Policy briefing")
        PILOT = "pilot", _("Pilot programme")
        SKILLS = "skills", _("Vocational skills")
        MANAGEMENT = "management", _("Management and leadership")
        OTHER = "other", _("Other")

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", _("Chinese")
        EN = "en", _("English")
        BILINGUAL = "bilingual", _("Chinese and English")

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Simple formatting: # heading, - list item, **bold**, [text](link)."),
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.POLICY
    )
    hosts = models.CharField(
        _("hosted by"),
        max_length=300,
        blank=True,
        help_text=_(
            "The host units as they should appear, e.g. 人力资源和社会保障部职业能力建设司."
        ),
    )
    host_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("host organisations"),
        blank=True,
        related_name="hosted_courses",
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(pgettext_lazy("venue", "city"), max_length=60, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
    )
    time_zone = models.CharField(
        pgettext_lazy("course", "time zone"), max_length=64, default=DEFAULT_TIME_ZONE
    )
    starts_on = models.DateField(_("first day"), null=True, blank=True)
    ends_on = models.DateField(pgettext_lazy("course dates", "last day"), null=True, blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    requires_approval = models.BooleanField(_("registrations need approval"), default=False)
    eligible_organisation_types = ArrayField(
        models.CharField(max_length=30, choices=Organisation.Type.choices),
        verbose_name=_("eligible organisation types"),
        default=list,
        blank=True,
        help_text=_("Leave empty to accept trainees from every type of organisation."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisers"),
        related_name="organised_courses",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on"))
                | models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True),
                name="course_ends_on_after_starts_on",
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__gt=models.F("registration_opens_at"))
                | models.Q(registration_closes_at__isnull=True)
                | models.Q(registration_opens_at__isnull=True),
                name="course_registration_window_order",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_on"], name="course_status_starts_idx"),
            # The catalogue reads upcoming and past courses in starts_on order, ends_on filtered
            # inside the index.
            models.Index(
                fields=["status", "starts_on", "ends_on", "id"], name="course_catalogue_idx"
            ),
            trigram_index("title", "course_title_trgm"),
            trigram_index("summary", "course_summary_trgm"),
            trigram_index("description", "course_description_trgm"),
            trigram_index("venue", "course_venue_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:course-detail", args=[self.pk])

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)

    def local_today(self) -> datetime.date:
        return timezone.localtime(timezone.now(), self.tz).date()

    @property
    def phase(self) -> str:
        """The stored status, refined by the dates: published courses run and then finish."""
        if self.status != self.Status.PUBLISHED or not (self.starts_on and self.ends_on):
            return self.status
        today = self.local_today()
        if today > self.ends_on:
            return "finished"
        if today >= self.starts_on:
            return "running"
        return self.status

    @property
    def phase_label(self) -> str:
        labels = {
            "running": pgettext_lazy("course status", "Running"),
            "finished": pgettext_lazy("course status", "Finished"),
        }
        return str(labels.get(self.phase) or self.get_status_display())

    @property
    def registration_state(self) -> str:
        """`not_open`, `open`, `closed` or `unavailable` (not published / no window)."""
        if self.status != self.Status.PUBLISHED or not (
            self.registration_opens_at and self.registration_closes_at
        ):
            return "unavailable"
        now = timezone.now()
        if now < self.registration_opens_at:
            return "not_open"
        if now >= self.registration_closes_at:
            return "closed"
        return "open"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.PUBLISHED)

    @property
    def time_zone_label(self) -> str:
        """The course's time zone as people name it ("北京时间 (UTC+08:00)")."""
        return time_zones.label(self.time_zone)

    def local(self, moment: datetime.datetime | None) -> datetime.datetime | None:
        return timezone.localtime(moment, self.tz) if moment else None


class Quota(models.Model):
    """Seats of a course reserved for trainees from a region, of an organisation type, or of
    one type in one region; the seats no quota reserves are open to all.

    Each trainee counts against the most specific quota that matches them (`courses.quotas`).
    """

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="quotas"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    organisation_type = models.CharField(
        _("organisation type"),
        max_length=30,
        choices=Organisation.Type.choices,
        blank=True,
        default="",
    )
    seats = models.PositiveIntegerField(_("seats"))

    class Meta:
        ordering = ["region__sort_order", "organisation_type"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "region", "organisation_type"],
                nulls_distinct=False,
                name="quota_unique_per_group",
            ),
            models.CheckConstraint(
                condition=models.Q(region__isnull=False) | ~models.Q(organisation_type=""),
                name="quota_has_region_or_type",
            ),
            models.CheckConstraint(
                condition=models.Q(seats__gte=0), name="quota_seats_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.seats}"

    @property
    def key(self) -> QuotaKey:
        return QuotaKey(self.region_id, self.organisation_type)

    @property
    def label(self) -> str:
        """Whom the quota is for, e.g. "Guangdong", "Enterprise", "Guangdong · Enterprise"."""
        if self.region_id is None:
            return str(self.get_organisation_type_display())
        if not self.organisation_type:
            return str(self.region)
        return str(
            pgettext("quota of a region and an organisation type", "%(region)s · %(type)s")
            % {"region": self.region, "type": self.get_organisation_type_display()}
        )


class CourseCheckinStaff(models.Model):
    """A person who takes attendance at one course, assigned by its organisers.

    The check-in staff role (granted by administrators) means every course; this row gives one
    course's check-in and roster pages to an existing account without any role.
    """

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="checkin_staff"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("check-in staff"),
        on_delete=models.CASCADE,
        related_name="checkin_assignments",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("course check-in staff")
        verbose_name_plural = _("course check-in staff")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"], name="checkin_staff_unique_per_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.course}"
