"""The course lock and the seat rules every enrollment write goes through."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import OperationalError, connection
from django.utils.translation import gettext_lazy as _
from psycopg2 import errors as pg_errors

from courses.models import Course, RegionalQuota
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
    """Held seats of one course by region, and the rule for who may take one more.

    A quota is the most seats its region's trainees may hold; trainees of the other regions
    share the pool, which is the capacity minus all quotas. Only valid while the course row
    is locked.
    """

    capacity: int | None
    quotas: dict[int, int]
    held: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.held.values())

    @property
    def pool(self) -> int | None:
        if self.capacity is None:
            return None
        return self.capacity - sum(self.quotas.values())

    def held_in_pool(self) -> int:
        return sum(n for region_id, n in self.held.items() if region_id not in self.quotas)

    def is_full(self) -> bool:
        return self.capacity is not None and self.total >= self.capacity

    def has_seat(self, region_id: int) -> bool:
        if self.is_full():
            return False
        if region_id in self.quotas:
            return self.held[region_id] < self.quotas[region_id]
        if self.pool is None:
            return True
        return self.held_in_pool() < self.pool

    def take(self, region_id: int) -> None:
        self.held[region_id] += 1

    def release(self, region_id: int) -> None:
        self.held[region_id] -= 1


def seat_state(course: Course) -> SeatState:
    """Re-read the held seats; call after `lock_course` so the numbers cannot move.

    One statement for the quotas and the held seats by region: registering runs it while
    holding the course lock.
    """
    quota_table = RegionalQuota._meta.db_table
    registration_table = Registration._meta.db_table
    statuses = list(HELD_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT region_id, seats, 0 FROM {quota_table} WHERE course_id = %s "
            f"UNION ALL SELECT region_id, NULL, count(*) FROM {registration_table} "
            "WHERE course_id = %s AND status = ANY(%s) GROUP BY region_id",
            [course.pk, course.pk, statuses],
        )
        rows = cursor.fetchall()
    quotas = {region_id: seats for region_id, seats, _held in rows if seats is not None}
    held = Counter({region_id: n for region_id, seats, n in rows if seats is None})
    return SeatState(capacity=course.capacity, quotas=quotas, held=held)
