"""The timetable by day in the course's time zone, each session with its learning hours."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.utils import timezone

from courses.hours import hours_of_courses
from courses.models import Course, Session

__all__ = ["TimetableDay", "timetable_by_day", "timetable_hours"]


@dataclass
class TimetableDay:
    date: datetime.date
    sessions: list[Session]

    @property
    def hours(self) -> Decimal:
        return sum(
            (getattr(s, "learning_hours", Decimal("0")) for s in self.sessions), Decimal("0")
        )


def timetable_hours(days: Iterable[TimetableDay]) -> Decimal:
    """The learning hours of the whole timetable."""
    return sum((day.hours for day in days), Decimal("0"))


def timetable_by_day(course: Course, sessions: Iterable[Session]) -> list[TimetableDay]:
    """Sessions grouped by their date in the course's time zone, each with its learning hours
    (`learning_hours`) under the course's rule."""
    tz = course.tz
    sessions = list(sessions)
    hours = hours_of_courses([course], sessions)
    for session in sessions:
        session.learning_hours = hours[session.pk]  # type: ignore[attr-defined]  # shown per row
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.order, s.room, s.pk))
    return [
        TimetableDay(date=date, sessions=list(items))
        for date, items in groupby(
            ordered, key=lambda s: timezone.localtime(s.starts_at, tz).date()
        )
    ]
