"""The waiting list: first come, first served, within the seat rules."""

from django.db.models import Q

from courses.models import Course
from enrollment.models import Registration
from enrollment.services.common import SeatState, seat_state
from enrollment.services.notify import registration_notify


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not on the waiting list."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        course_id=registration.course_id, status=Registration.Status.WAITLISTED
    ).filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def waitlist_promote(
    *, course: Course, seats: SeatState | None = None, exclude_ids: frozenset[int] = frozenset()
) -> list[Registration]:
    """Give free seats to the waiting list in order; each promoted trainee is notified.

    Call with the course row locked (course first, always). A trainee whose quota is full
    is skipped, so someone behind them who counts against another quota may move up.
    """
    seats = seats or seat_state(course)
    if seats.is_full() or course.status != Course.Status.PUBLISHED:
        return []
    new_status = (
        Registration.Status.PENDING if course.requires_approval else Registration.Status.CONFIRMED
    )
    promoted = []
    waiting = (
        Registration.objects.filter(course=course, status=Registration.Status.WAITLISTED)
        .exclude(pk__in=exclude_ids)
        .select_related("trainee")
        .order_by("waitlisted_at", "pk")
    )
    for registration in waiting:
        if seats.is_full():
            break
        if not seats.has_seat(registration.seat_group):
            continue
        registration.status = new_status
        registration.save(update_fields=["status"])
        registration.course = course
        seats.take(registration.seat_group)
        registration_notify(registration, "promoted")
        promoted.append(registration)
    return promoted
