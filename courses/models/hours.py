"""How a course turns its timetable into learning hours (学时)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models.course import Course

DEFAULT_MINUTES_PER_HOUR = 45
DEFAULT_HALF_DAY_HOURS = Decimal("4")


class HoursRule(models.Model):
    """A course's rule for the hours of its sessions; a course without a row uses the defaults
    (45 minutes make one hour, rounded per session to the nearest half hour)."""

    class Method(models.TextChoices):
        MINUTES = "minutes", _("By minutes")
        FIXED = "fixed", _("Fixed hours per session")
        HALF_DAY = "half_day", _("Hours per half-day")

    course = models.OneToOneField(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="hours_rule",
    )
    method = models.CharField(
        _("how hours are counted"), max_length=10, choices=Method.choices, default=Method.MINUTES
    )
    minutes_per_hour = models.PositiveSmallIntegerField(
        _("minutes per hour"),
        default=DEFAULT_MINUTES_PER_HOUR,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("By minutes: this many minutes make one learning hour."),
    )
    fixed_hours = models.DecimalField(
        _("hours per session"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))],
        help_text=_("Fixed hours per session: every counted session gives this many hours."),
    )
    half_day_hours = models.DecimalField(
        _("hours per half-day"),
        max_digits=4,
        decimal_places=1,
        default=DEFAULT_HALF_DAY_HOURS,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))],
        help_text=_(
            "Hours per half-day: a morning, afternoon or evening gives this many hours, "
            "shared among its counted sessions by length."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("hours rule")
        verbose_name_plural = _("hours rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes_per_hour__gte=1), name="hours_rule_minutes_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(fixed_hours__gte=0, half_day_hours__gte=0),
                name="hours_rule_hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.course)
