"""Helpers the course services share: permission checks and the course lock."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _

from accounts.roles import user_is_organiser
from courses.models import Course
from courses.selectors import course_can_edit


def ensure_can_edit(course: Course, by) -> None:
    if not course_can_edit(course=course, user=by):
        raise PermissionDenied(_("Only the course's organisers and administrators can change it."))


def ensure_organiser(by) -> None:
    if not user_is_organiser(by):
        raise PermissionDenied(_("Only organisers and administrators can do this."))


def lock_course(course_id: int) -> Course:
    """The course row is the one serialisation point for its seats and timetable."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '3s'")
    return Course.objects.select_for_update(no_key=True).get(pk=course_id)


def ensure_editable(course: Course) -> None:
    if not course.is_editable:
        raise ValidationError(
            _("A cancelled or archived course can no longer be changed."), code="not_editable"
        )
