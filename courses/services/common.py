"""Helpers the course services share: permission checks, the course lock, the seat floor."""

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import user_is_organiser
from courses import caching
from courses.models import Course
from courses.selectors import course_can_edit


def ensure_can_edit(course: Course, by: User) -> None:
    if not course_can_edit(course=course, user=by):
        raise PermissionDenied(_("Only the course's organisers and administrators can do this."))


def ensure_organiser(by: User) -> None:
    if not user_is_organiser(by):
        raise PermissionDenied(_("Only organisers and administrators can do this."))


def _set_course_lock_timeout() -> None:
    """Wait at most PORTAL_COURSE_LOCK_TIMEOUT seconds for row locks in this transaction."""
    milliseconds = max(1, int(settings.PORTAL_COURSE_LOCK_TIMEOUT * 1000))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = %s", [f"{milliseconds}ms"])


def lock_course(course_id: int) -> Course:
    """The course row is the one serialisation point for its seats and timetable.

    Whatever is written under it (bulk inserts and updates too, which send no save signals)
    drops the cached public pages once it commits.
    """
    _set_course_lock_timeout()
    course = Course.objects.select_for_update(no_key=True).get(pk=course_id)
    caching.bump_version()
    return course


def ensure_editable(course: Course) -> None:
    if not course.is_editable:
        raise ValidationError(
            _("A cancelled or archived course can no longer be changed."), code="not_editable"
        )


def seats_below_held(
    *, held: Mapping[int | None, int], capacity: int | None, quotas: dict[int, int]
) -> list[ValidationError]:
    """Why these seat numbers are lower than `held`, the seats registered trainees hold per
    region (enrollment reads them under the course lock and passes them in).

    A quota is the most seats its region's trainees may hold; the other regions share what is
    left of the capacity. Lowering either below what is held would oversell, so it is refused.
    """
    problems = []
    for region_id, seats in quotas.items():
        if held.get(region_id, 0) > seats:
            problems.append(
                ValidationError(
                    _(
                        "Trainees of a region already hold %(held)s seats, more than its quota of %(seats)s."
                    ),
                    code="quota_below_taken",
                    params={"held": held[region_id], "seats": seats},
                )
            )
    if capacity is not None:
        pool = capacity - sum(quotas.values())
        held_in_pool = sum(n for region_id, n in held.items() if region_id not in quotas)
        if held_in_pool > pool:
            problems.append(
                ValidationError(
                    _(
                        "Trainees of regions without a quota already hold %(held)s seats, more than the %(pool)s left for them."
                    ),
                    code="pool_below_taken",
                    params={"held": held_in_pool, "pool": pool},
                )
            )
    return problems
