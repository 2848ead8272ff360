"""The answers courses asks for through `courses.enrollment_hooks`, one query each."""

from collections.abc import Collection, Iterable

from django.db.models import Count, Q

from accounts.models import User
from enrollment.models import ACTIVE_STATUSES, HELD_STATUSES, Registration


class RegistrationHooks:
    def seats_taken(self, course_ids: Collection[int]) -> dict[int, int]:
        if not course_ids:
            return {}
        return dict(
            Registration.objects.filter(course_id__in=course_ids, status__in=HELD_STATUSES)
            .values("course_id")
            .annotate(n=Count("id"))
            .values_list("course_id", "n")
        )

    def registered_users(self, course_id: int) -> Iterable:
        return User.objects.filter(
            registrations__course_id=course_id, registrations__status__in=ACTIVE_STATUSES
        ).distinct()

    def is_registered(self, user, course_id: int) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return Registration.objects.filter(
            course_id=course_id, trainee=user, status=Registration.Status.CONFIRMED
        ).exists()

    def registered_course_ids(self, user) -> Iterable[int]:
        """Courses whose registered-trainee material and documents `user` may see (a subquery)."""
        if not getattr(user, "is_authenticated", False):
            return []
        return Registration.objects.filter(
            trainee=user, status=Registration.Status.CONFIRMED
        ).values("course_id")

    def queue_counts(self, course_ids: Collection[int]) -> dict[int, tuple[int, int]]:
        if not course_ids:
            return {}
        rows = (
            Registration.objects.filter(course_id__in=course_ids)
            .values("course_id")
            .annotate(
                pending=Count("id", filter=Q(status=Registration.Status.PENDING)),
                waiting=Count("id", filter=Q(status=Registration.Status.WAITLISTED)),
            )
        )
        return {row["course_id"]: (row["pending"], row["waiting"]) for row in rows}

    def held_by_region(self, course_id: int) -> dict[int, int]:
        return dict(
            Registration.objects.filter(course_id=course_id, status__in=HELD_STATUSES)
            .values("region_id")
            .annotate(n=Count("id"))
            .values_list("region_id", "n")
        )

    def seats_changed(self, course) -> None:
        from enrollment.services.registration import seats_changed

        seats_changed(course)

    def course_changed(self, course, fields: list[str]) -> None:
        from enrollment.services.notify import course_changed_notify

        course_changed_notify(course, fields)
