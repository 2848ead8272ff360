"""The course lock and the seat rules every enrollment write goes through."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import OperationalError, connection
from django.utils.translation import gettext_lazy as _
from psycopg2 import errors as pg_errors

from courses.models import Course, Quota
from courses.quotas import QuotaKey, SeatGroup, quota_for
from courses.services.common import lock_course as courses_lock_course
from enrollment.models import HELD_STATUSES, Registration

BUSY_MESSAGE = _("Many people are registering right now, please try again in a moment.")


class CourseBusy(Exception):
    """The course row stayed locked longer than the lock timeout; nothing was written."""

    code = "busy"

    def __init__(self) -> None:
        super().__init__(str(BUSY_MESSAGE))


def lock_course(course_id: int) -> Course:
    """Lock the course row: the single serialisation point for its seats. Always first.

    Call inside a transaction. A lock wait over PORTAL_COURSE_LOCK_TIMEOUT (3 s by default) raises CourseBusy, so a long
    edit elsewhere makes registrations answer "busy" quickly instead of piling up.
    """
    try:
        return courses_lock_course(course_id)
    except OperationalError as exc:
        if isinstance(exc.__cause__, pg_errors.LockNotAvailable):
            raise CourseBusy from exc
        raise


def lock_registration(registration_id: int) -> tuple[Course, Registration]:
    """Lock the registration's course (`lock_course`), then read the registration."""
    course_id = Registration.objects.values_list("course_id", flat=True).get(pk=registration_id)
    course = lock_course(course_id)
    registration = Registration.objects.select_related("trainee").get(pk=registration_id)
    registration.course = course
    return course, registration


@dataclass
class SeatState:
    """Held seats of one course by region and organisation type, and the rule for who may
    take one more.

    Each trainee counts against the most specific quota that matches them (`courses.quotas`):
    a quota is the most seats its trainees may hold. Trainees no quota matches share the
    open seats, the capacity minus all quotas. Only valid while the course row is locked.
    """

    capacity: int | None
    quotas: dict[QuotaKey, int]
    held: Counter[SeatGroup] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.held.values())

    @property
    def pool(self) -> int | None:
        if self.capacity is None:
            return None
        return self.capacity - sum(self.quotas.values())

    def quota_of(self, group: SeatGroup) -> QuotaKey | None:
        return quota_for(self.quotas, group)

    def held_in(self, key: QuotaKey | None) -> int:
        """Seats held against the quota `key`, or against the open seats for None."""
        return sum(n for group, n in self.held.items() if self.quota_of(group) == key)

    def held_in_pool(self) -> int:
        return self.held_in(None)

    def is_full(self) -> bool:
        return self.capacity is not None and self.total >= self.capacity

    def has_seat(self, group: SeatGroup) -> bool:
        if self.is_full():
            return False
        key = self.quota_of(group)
        if key is not None:
            return self.held_in(key) < self.quotas[key]
        if self.pool is None:
            return True
        return self.held_in(None) < self.pool

    def take(self, group: SeatGroup) -> None:
        self.held[group] += 1

    def release(self, group: SeatGroup) -> None:
        self.held[group] -= 1


def seat_state(course: Course) -> SeatState:
    """Re-read the held seats; call after `lock_course` so the numbers cannot move.

    One statement for the quotas and the held seats by region and type: registering runs it
    while holding the course lock.
    """
    quota_table = Quota._meta.db_table
    registration_table = Registration._meta.db_table
    statuses = list(HELD_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT TRUE, region_id, organisation_type, seats FROM {quota_table} "
            "WHERE course_id = %s "
            f"UNION ALL SELECT FALSE, region_id, organisation_type, count(*) FROM {registration_table} "
            "WHERE course_id = %s AND status = ANY(%s) GROUP BY region_id, organisation_type",
            [course.pk, course.pk, statuses],
        )
        rows = cursor.fetchall()
    quotas = {QuotaKey(region_id, type_): n for is_quota, region_id, type_, n in rows if is_quota}
    held = Counter(
        {(region_id, type_): n for is_quota, region_id, type_, n in rows if not is_quota}
    )
    return SeatState(capacity=course.capacity, quotas=quotas, held=held)
