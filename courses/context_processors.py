from functools import cache

from courses.selectors import user_is_course_checkin_staff


def checkin_staff(request):
    """`takes_course_attendance`: whether the visitor is check-in staff of some course, for
    the menu. Asked only when a template needs it (after the role checks that answer it for
    organisers and check-in staff of every course), at most once per page."""
    user = getattr(request, "user", None)

    @cache
    def takes_course_attendance() -> bool:
        return user is not None and user_is_course_checkin_staff(user)

    return {"takes_course_attendance": takes_course_attendance}
