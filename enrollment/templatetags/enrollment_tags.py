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
