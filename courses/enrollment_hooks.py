"""The questions courses asks about registrations, answered by the enrollment app.

Imports flow enrollment → courses, never back. So courses asks through this small registry:
the enrollment app calls `register(...)` in its `AppConfig.ready()` with an object that knows
its Registration model. Until it does, every course has no registrations.
"""

from collections.abc import Collection, Iterable
from typing import Protocol


class EnrollmentHooks(Protocol):
    def seats_taken(self, course_ids: Collection[int]) -> dict[int, int]:
        """Held seats (confirmed or pending approval) per course id, in one query."""

    def registered_users(self, course_id: int) -> Iterable:
        """Users with an active registration (confirmed, pending or waitlisted)."""

    def is_registered(self, user, course_id: int) -> bool:
        """Whether `user` may see the course's material for registered trainees."""

    def queue_counts(self, course_ids: Collection[int]) -> dict[int, tuple[int, int]]:
        """(pending approvals, waiting-list length) per course id, in one query."""

    def registered_course_ids(self, user) -> Iterable[int]:
        """Ids of the courses `user` is registered in (same states as `is_registered`); a
        queryset of ids is best, so callers can use it as a subquery."""

    def held_by_region(self, course_id: int) -> dict[int, int]:
        """Held seats per region id of the trainees (as they registered), in one query."""

    def seats_changed(self, course) -> None:
        """Capacity or quotas of `course` changed; called inside the transaction that holds
        the course lock, so the waiting list can move up into freed seats."""

    def course_changed(self, course, fields: list[str]) -> None:
        """Dates or venue of a published course changed (inside the same transaction)."""


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

    def held_by_region(self, course_id: int) -> dict[int, int]:
        return {}

    def seats_changed(self, course) -> None:
        return None

    def course_changed(self, course, fields: list[str]) -> None:
        return None


_hooks: EnrollmentHooks = NoEnrollment()


def register(hooks: EnrollmentHooks) -> None:
    global _hooks
    _hooks = hooks


def get() -> EnrollmentHooks:
    return _hooks
