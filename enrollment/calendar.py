"""A trainee's personal calendar: every session of every course they hold a confirmed seat in."""

from icalendar import Calendar

from accounts.models import User
from courses.calendar import course_calendar_ics
from courses.selectors import session_list_for_course
from enrollment.selectors import confirmed_courses_for


def personal_calendar_ics(user: User, *, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Training Course Portal//enrollment//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", user.full_name or user.email)
    for course in confirmed_courses_for(user).order_by("starts_on", "pk"):
        one = Calendar.from_ical(
            course_calendar_ics(course, session_list_for_course(course), host=host)
        )
        for event in one.walk("VEVENT"):
            calendar.add_component(event)
    return calendar.to_ical()
