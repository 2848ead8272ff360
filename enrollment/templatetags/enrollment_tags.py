from django import template
from django.template import Context

from courses.models import Course
from enrollment.models import NominatingUnit, Registration
from enrollment.selectors import (
    SeatCounts,
    course_seats_left,
    course_seats_taken,
    nominating_unit_for,
    registration_active_for,
    seat_counts_for,
)
from enrollment.services.common import seat_state

register = template.Library()


@register.simple_tag(takes_context=True)
def my_registration(context: Context, course: Course) -> Registration | None:
    """The signed-in user's active registration for `course` (with `.place` on the waiting list), or None."""
    request = context.get("request")
    if request is None:
        return None
    return registration_active_for(user=request.user, course=course)


@register.simple_tag(takes_context=True)
def my_nominating_unit(context: Context, course: Course) -> NominatingUnit | None:
    request = context.get("request")
    if request is None:
        return None
    return nominating_unit_for(user=request.user, course_id=course.pk)


@register.simple_tag(takes_context=True)
def my_seat_outlook(context: Context, course: Course) -> bool | None:
    """True when a seat is free for the signed-in trainee's region and organisation type,
    False when they would wait, None when unknown (anonymous, no organisation yet)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or user.organisation_id is None:
        return None
    organisation = user.organisation
    return seat_state(course).has_seat((organisation.region_id, organisation.type))


@register.simple_tag
def with_seat_counts(courses):
    """`courses` as a list, each with `seats_taken`, `seats_left` (None without a capacity),
    `pending_approvals` and `waitlisted` set, counted in one query for the whole page."""
    courses = list(courses)
    counts = seat_counts_for(course.pk for course in courses)
    for course in courses:
        count = counts.get(course.pk, SeatCounts())
        course.seats_taken = count.taken
        course.seats_left = course_seats_left(course, count.taken)
        course.pending_approvals = count.pending
        course.waitlisted = count.waitlisted
    return courses


@register.simple_tag
def seats_taken(course: Course) -> int:
    """Held seats of one course (confirmed or pending approval)."""
    return course_seats_taken(course)


@register.simple_tag
def seats_left(course: Course) -> int | None:
    """Free seats of one course, None when it has no capacity."""
    return course_seats_left(course, course_seats_taken(course))
