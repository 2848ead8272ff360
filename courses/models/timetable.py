"""The timetable of a course: its sessions, their speakers and the discussion groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import PINYIN_COLLATION
from courses.models.course import Course
from portal.indexes import trigram_index


class Speaker(models.Model):
    """A leader or expert who gives sessions; reusable across courses."""

    name = models.CharField(
        pgettext_lazy("speaker", "name"), max_length=100, db_collation=PINYIN_COLLATION
    )
    title = models.CharField(
        pgettext_lazy("speaker", "title"),
        max_length=100,
        blank=True,
        help_text=pgettext_lazy("speaker title", "e.g. 副部长"),
    )
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
    name = models.CharField(pgettext_lazy("discussion group", "name"), max_length=100)
    facilitator = models.CharField(_("facilitator"), max_length=100, blank=True)
    room = models.CharField(pgettext_lazy("venue", "room"), max_length=100, blank=True)

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
    kind = models.CharField(pgettext_lazy("session", "kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(pgettext_lazy("session", "ends"))
    room = models.CharField(pgettext_lazy("venue", "room"), max_length=100, blank=True)
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
    hours_override = models.DecimalField(
        _("learning hours (override)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Leave empty to use the course's hours rule."),
    )

    class Meta:
        ordering = ["starts_at", "order", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_override__gte=0) | models.Q(hours_override__isnull=True),
                name="session_hours_override_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "starts_at"], name="session_course_start_idx"),
            trigram_index("title", "session_title_trgm"),
        ]

    def __str__(self) -> str:
        return self.title
