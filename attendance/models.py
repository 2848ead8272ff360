"""Per-session attendance of confirmed trainees, and each course's attendance rules."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import Course, Session
from enrollment.models import Registration

DEFAULT_LATE_AFTER_MINUTES = 10


class HoursCredit(models.TextChoices):
    """How much of a session's learning hours a mark earns."""

    FULL = "full", _("All the session's hours")
    HALF = "half", _("Half the session's hours")
    NONE = "none", _("No hours")


class AttendanceSettings(models.Model):
    """A course's attendance rules; a course without a row uses the defaults."""

    course = models.OneToOneField(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="attendance_settings",
    )
    auto_absent = models.BooleanField(
        _("mark absent automatically after a session ends"),
        default=True,
        help_text=_("Trainees without a mark become absent once the session is over."),
    )
    late_after_minutes = models.PositiveSmallIntegerField(
        _("late after (minutes of grace)"),
        default=DEFAULT_LATE_AFTER_MINUTES,
        validators=[MaxValueValidator(240)],
        help_text=_("A self check-in this many minutes after the start counts as late."),
    )
    late_hours = models.CharField(
        _("hours for a late arrival"),
        max_length=4,
        choices=HoursCredit.choices,
        default=HoursCredit.FULL,
    )
    excused_hours = models.CharField(
        _("hours for an excused absence"),
        max_length=4,
        choices=HoursCredit.choices,
        default=HoursCredit.NONE,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("attendance settings")
        verbose_name_plural = _("attendance settings")

    def __str__(self) -> str:
        return str(self.course)


class Attendance(models.Model):
    """One confirmed trainee's attendance at one session."""

    class Status(models.TextChoices):
        PRESENT = "present", pgettext_lazy("attendance", "Present")
        LATE = "late", pgettext_lazy("attendance", "Late")
        EXCUSED = "excused", pgettext_lazy("attendance", "Excused")
        ABSENT = "absent", pgettext_lazy("attendance", "Absent")

    class Method(models.TextChoices):
        LIST = "list", _("Marked on the roster")
        QR = "qr", _("QR self check-in")
        IMPORT = "import", _("Import")
        AUTOMATIC = "automatic", _("Automatic")

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    remark = models.CharField(_("remark"), max_length=200, blank=True)
    method = models.CharField(
        pgettext_lazy("attendance method", "how"), max_length=10, choices=Method.choices
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked"))

    class Meta:
        ordering = ["session__starts_at", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="attendance_one_per_session"
            ),
        ]
        indexes = [models.Index(fields=["session", "status"], name="attendance_session_status")]

    def __str__(self) -> str:
        return f"{self.registration.full_name} – {self.session}: {self.get_status_display()}"

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED_STATUSES


ATTENDED_STATUSES = (Attendance.Status.PRESENT, Attendance.Status.LATE)


class AttendanceChange(models.Model):
    """One correction of a mark: the old mark, the new one (empty when undone), who changed it,
    when and why. Rows are only ever added, in the transaction of the change they record."""

    class Method(models.TextChoices):
        LIST = "list", _("Roster")
        IMPORT = "import", _("Import")
        UNDO = "undo", pgettext_lazy("attendance correction", "Mark undone")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="+"
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="attendance_changes",
    )
    old_status = models.CharField(
        pgettext_lazy("attendance correction", "old mark"),
        max_length=10,
        choices=Attendance.Status.choices,
    )
    old_remark = models.CharField(_("old remark"), max_length=200, blank=True)
    old_method = models.CharField(
        _("how the old mark was given"), max_length=10, choices=Attendance.Method.choices
    )
    old_marked_at = models.DateTimeField(_("old mark given"))
    new_status = models.CharField(
        pgettext_lazy("attendance correction", "new mark"),
        max_length=10,
        choices=Attendance.Status.choices,
        blank=True,
    )
    new_remark = models.CharField(_("new remark"), max_length=200, blank=True)
    method = models.CharField(_("corrected through"), max_length=10, choices=Method.choices)
    reason = models.CharField(_("reason"), max_length=200)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("attendance correction")
        verbose_name_plural = _("attendance corrections")
        indexes = [
            models.Index(fields=["session", "registration"], name="attendance_change_session"),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} @ {self.session_id}: {self.old_status} → {self.new_status}"
