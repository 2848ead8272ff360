from django import template

from enrollment.selectors import nominating_unit_for, registration_active_for

register = template.Library()


@register.simple_tag(takes_context=True)
def my_registration(context, course):
    """The signed-in user's active registration for `course` (with `.place` on the waiting list), or None."""
    request = context.get("request")
    if request is None:
        return None
    return registration_active_for(user=request.user, course=course)


@register.simple_tag(takes_context=True)
def my_nominating_unit(context, course):
    request = context.get("request")
    if request is None:
        return None
    return nominating_unit_for(user=request.user, course_id=course.pk)


@register.simple_tag(takes_context=True)
def my_seat_outlook(context, course):
    """True when a seat is free for the signed-in trainee's region, False when they would
    wait, None when unknown (anonymous, no organisation yet)."""
    from enrollment.services.common import seat_state

    request = context.get("request")
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or user.organisation_id is None:
        return None
    region_id = user.organisation.region_id
    return seat_state(course).has_seat(region_id)
