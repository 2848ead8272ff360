"""The iCalendar file of a course: one event per session, times in UTC."""

import datetime
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from courses.models import Course, Session


def course_calendar_ics(course: Course, sessions: Iterable[Session], *, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Training Course Portal//courses//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", course.title)
    calendar.add("x-wr-timezone", course.time_zone)
    stamp = timezone.now()
    domain = host.split(":")[0] or "localhost"
    for session in sessions:
        event = Event()
        event.add("uid", f"course-{course.pk}-session-{session.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at.astimezone(datetime.UTC))
        event.add("dtend", session.ends_at.astimezone(datetime.UTC))
        event.add("summary", f"{session.title}（{course.title}）")
        location = " ".join(part for part in (course.venue, session.room) if part)
        if location:
            event.add("location", location)
        lines = [session.get_kind_display()]
        speakers = [str(speaker) for speaker in session.speakers.all()]
        if speakers:
            lines.append("、".join(speakers))
        if session.discussion_group:
            lines.append(str(session.discussion_group))
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()
