"""One course's timetable as an iCalendar file."""

from django.http import HttpResponse
from django.views import View

from courses import selectors
from courses.calendar import course_calendar_ics
from courses.views.common import visible_course


class CourseCalendarView(View):
    def get(self, request, pk: int):
        course = visible_course(request, pk)
        sessions = selectors.session_list_for_course(course)
        body = course_calendar_ics(course, sessions, host=request.get_host())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="course-{course.pk}.ics"'
        return response
