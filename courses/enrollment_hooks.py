"""The questions courses asks about registrations, answered by the enrollment app.

Imports flow enrollment → courses, never back. So courses asks through this small registry:
the enrollment app calls `register(...)` in its `AppConfig.ready()` with an object that knows
its Registration model. Until it does, every course has no registrations.
"""

from collections.abc import Collection, Iterable
from typing import Protocol


class EnrollmentHooks(Protocol):
    def seats_taken(self, course_ids: Collection[int]) -> dict[int, int]:
        """Confirmed seats per course id, in one query for any number of courses."""

    def registered_users(self, course_id: int) -> Iterable:
        """Users with an active registration (confirmed, pending or waitlisted)."""

    def is_registered(self, user, course_id: int) -> bool:
        """Whether `user` may see the course's material for registered trainees."""

    def queue_counts(self, course_ids: Collection[int]) -> dict[int, tuple[int, int]]:
        """(pending approvals, waiting-list length) per course id, in one query."""

    def registered_course_ids(self, user) -> Iterable[int]:
        """Ids of the courses `user` is registered in (same states as `is_registered`); a
        queryset of ids is best, so callers can use it as a subquery."""


class NoEnrollment:
    """The answers while no enrollment app is installed: nobody is registered."""

    def seats_taken(self, course_ids: Collection[int]) -> dict[int, int]:
        return {}

    def registered_users(self, course_id: int) -> Iterable:
        return []

    def is_registered(self, user, course_id: int) -> bool:
        return False

    def queue_counts(self, course_ids: Collection[int]) -> dict[int, tuple[int, int]]:
        return {}

    def registered_course_ids(self, user) -> Iterable[int]:
        return []


_hooks: EnrollmentHooks = NoEnrollment()


def register(hooks: EnrollmentHooks) -> None:
    global _hooks
    _hooks = hooks


def get() -> EnrollmentHooks:
    return _hooks
