"""The course's rule for the learning hours (学时) of its sessions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Course, HoursRule
from courses.services.common import ensure_can_edit


@transaction.atomic
def hours_rule_save(
    *,
    course: Course,
    by: User,
    method: str,
    minutes_per_hour: int,
    fixed_hours: Decimal,
    half_day_hours: Decimal,
) -> HoursRule:
    ensure_can_edit(course, by)
    if method not in HoursRule.Method.values:
        raise ValidationError(_("Choose how hours are counted."), code="invalid_method")
    rule = HoursRule.objects.filter(course=course).first() or HoursRule(course=course)
    rule.method = method
    rule.minutes_per_hour = minutes_per_hour
    rule.fixed_hours = fixed_hours
    rule.half_day_hours = half_day_hours
    rule.full_clean()
    rule.save()
    return rule
