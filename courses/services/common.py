"""Helpers the course services share: permission checks, the course lock, the seat floor."""

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import user_is_organiser
from courses import caching
from courses.models import Course, Quota
from courses.quotas import QuotaKey, SeatGroup, held_by_quota
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
    *, held: Mapping[SeatGroup, int], capacity: int | None, quotas: Mapping[QuotaKey, int]
) -> list[ValidationError]:
    """Why these seat numbers are lower than `held`, the seats registered trainees hold per
    region and organisation type (enrollment reads them under the course lock and passes them
    in).

    A quota is the most seats its trainees may hold (each counts against the most specific
    quota that matches them); the others share what is left of the capacity. Lowering either
    below what is held would oversell, so it is refused.
    """
    problems = []
    taken = held_by_quota(held, quotas)
    for key, seats in quotas.items():
        if taken[key] > seats:
            problems.append(
                ValidationError(
                    _(
                        "Trainees counted against the quota “%(quota)s” already hold %(held)s seats, more than its %(seats)s."
                    ),
                    code="quota_below_taken",
                    params={"quota": quota_label(key), "held": taken[key], "seats": seats},
                )
            )
    if capacity is not None:
        pool = capacity - sum(quotas.values())
        if taken[None] > pool:
            problems.append(
                ValidationError(
                    _(
                        "Trainees without a quota already hold %(held)s seats, more than the %(pool)s left for them."
                    ),
                    code="pool_below_taken",
                    params={"held": taken[None], "pool": pool},
                )
            )
    return problems


def quota_label(key: QuotaKey) -> str:
    """Whom the quota `key` is for, as the quota pages name it."""
    return Quota(region_id=key.region_id, organisation_type=key.organisation_type).label
