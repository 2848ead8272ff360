"""Courses, their timetable (sessions), speakers, discussion groups, regional quotas and materials."""

import datetime
import uuid
import zoneinfo
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import PINYIN_COLLATION, Organisation, Region
from jobs.models import ZipJob

if TYPE_CHECKING:
    pass

DEFAULT_TIME_ZONE = "Asia/Shanghai"


def _trigram_index(field: str, name: str) -> GinIndex:
    # `icontains` compiles to UPPER(col) LIKE UPPER(%s); a trigram index on UPPER(col) serves it,
    # and trigram matching finds Chinese substrings, which full-text search (no spaces) cannot.
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


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
        _("description"), blank=True, help_text=_("Markdown: headings, lists, bold, links.")
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
    city = models.CharField(_("city"), max_length=60, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE)
    starts_on = models.DateField(_("first day"), null=True, blank=True)
    ends_on = models.DateField(_("last day"), null=True, blank=True)
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
            _trigram_index("title", "course_title_trgm"),
            _trigram_index("summary", "course_summary_trgm"),
            _trigram_index("description", "course_description_trgm"),
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

    def local(self, moment: datetime.datetime | None) -> datetime.datetime | None:
        return timezone.localtime(moment, self.tz) if moment else None


class RegionalQuota(models.Model):
    """Seats of a course reserved for trainees from one region; the rest are open to all."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="quotas"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    seats = models.PositiveIntegerField(_("seats"))

    class Meta:
        ordering = ["region__sort_order"]
        verbose_name = _("regional quota")
        verbose_name_plural = _("regional quotas")
        constraints = [
            models.UniqueConstraint(fields=["course", "region"], name="quota_unique_per_region"),
            models.CheckConstraint(
                condition=models.Q(seats__gte=0), name="quota_seats_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region}: {self.seats}"


class Speaker(models.Model):
    """A leader or expert who gives sessions; reusable across courses."""

    name = models.CharField(_("name"), max_length=100, db_collation=PINYIN_COLLATION)
    title = models.CharField(_("title"), max_length=100, blank=True, help_text=_("e.g. 副部长"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("short biography"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return " ".join(part for part in (self.name, self.title) if part)


class DiscussionGroup(models.Model):
    """A subset of a course's trainees for group sessions (members are assigned in enrollment)."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=100)
    facilitator = models.CharField(_("facilitator"), max_length=100, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("discussion group")
        verbose_name_plural = _("discussion groups")
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="group_unique_name_per_course"),
        ]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """One slot of a course's timetable."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening ceremony")
        SPEECH = "speech", _("Speech")
        LECTURE = "lecture", _("Special lecture")
        CLASSROOM = "classroom", _("Classroom study")
        SELF_STUDY = "self_study", _("Self-study")
        GROUP_DISCUSSION = "group_discussion", _("Group discussion")
        SEMINAR = "seminar", _("Seminar")
        QA = "qa", _("Questions and answers")
        CLOSING = "closing", _("Closing")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    speakers = models.ManyToManyField(
        Speaker, verbose_name=_("speakers"), blank=True, related_name="sessions"
    )
    discussion_group = models.ForeignKey(
        DiscussionGroup,
        verbose_name=_("discussion group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["starts_at", "order", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["course", "starts_at"], name="session_course_start_idx")]

    def __str__(self) -> str:
        return self.title


def material_upload_to(instance: "Material", filename: str) -> str:
    # The stored name is random: the user's file name never reaches the file system.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"materials/{uuid.uuid4().hex}{suffix}"


class Material(models.Model):
    """Slides and handouts of a course or one of its sessions."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        TRAINEES = "trainees", _("Registered trainees")
        ORGANISERS = "organisers", _("Organisers only")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="materials"
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="materials",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.TRAINEES
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["session__starts_at", "title", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:material-download", args=[self.pk])

    @property
    def file_kind(self) -> str:
        """PDF, PPTX... for lists, from the checked display name."""
        return PurePosixPath(self.original_name).suffix.lstrip(".").upper()


class ReadingPackSection(models.Model):
    """A heading of a course's reading pack ("compilation of work documents")."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="pack_sections"
    )
    heading = models.CharField(_("heading"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("reading pack section")
        verbose_name_plural = _("reading pack sections")
        indexes = [models.Index(fields=["course", "order"], name="pack_section_course_idx")]

    def __str__(self) -> str:
        return self.heading


class ReadingPackItem(models.Model):
    """One entry of a pack section: a policy document of the library or a course material."""

    section = models.ForeignKey(
        ReadingPackSection,
        verbose_name=_("section"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    note = models.TextField(_("note"), blank=True)
    document = models.ForeignKey(
        "policies.PolicyDocument",
        verbose_name=_("policy document"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pack_items",
    )
    material = models.ForeignKey(
        Material,
        verbose_name=_("material"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pack_items",
    )

    if TYPE_CHECKING:
        # Not a field: the item's number through the whole pack, set by `pack_for_course`.
        position: int

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("reading pack item")
        verbose_name_plural = _("reading pack items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(document__isnull=False, material__isnull=True)
                | models.Q(document__isnull=True, material__isnull=False),
                name="pack_item_document_xor_material",
            ),
        ]
        indexes = [models.Index(fields=["section", "order"], name="pack_item_section_idx")]

    def __str__(self) -> str:
        return str(self.document or self.material)


def pack_bundle_upload_to(instance: "ReadingPackBundle", filename: str) -> str:
    return f"reading-packs/{uuid.uuid4().hex}.zip"


class ReadingPackBundle(ZipJob):
    """The whole pack as one ZIP, built by a worker for one set of visible items.

    `content_hash` covers the pack's items, their files' checksums, what the requesting user may
    see and the language of the contents page: users who see the same set share one bundle, and
    any change to the pack gives a new hash, hence a new bundle.
    """

    run_task = "courses.reading_pack_build"
    tmp_dir = "reading-packs/tmp"
    claim_related = ("course",)

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="pack_bundles"
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    manifest = models.JSONField(_("manifest"), default=dict)
    file = models.FileField(_("file"), upload_to=pack_bundle_upload_to, max_length=200, blank=True)
    last_requested_at = models.DateTimeField(_("last requested"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("reading pack bundle")
        verbose_name_plural = _("reading pack bundles")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "content_hash"], name="pack_bundle_unique_per_content"
            ),
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total")),
                name="pack_bundle_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.content_hash[:12]}"
