"""Earned learning hours (学时): what each trainee earns of the hours a course offers, by
their attendance marks. Computed on read from the marks (whose corrections keep their history),
in a constant number of queries per list, so no stored total can go stale."""

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from attendance.models import Attendance, AttendanceSettings, HoursCredit
from courses.hours import ZERO, hours_of_courses, sessions_for_hours
from courses.models import Course, Session
from enrollment.models import Registration

TENTH = Decimal("0.1")
_SHARE = {HoursCredit.FULL: Decimal("1"), HoursCredit.HALF: Decimal("0.5"), HoursCredit.NONE: ZERO}


@dataclass(frozen=True)
class HoursCredits:
    """A course's credits for a late arrival and an excused absence (full, half or none)."""

    late: str = HoursCredit.FULL
    excused: str = HoursCredit.NONE

    @classmethod
    def of(cls, settings: AttendanceSettings | None) -> "HoursCredits":
        if settings is None:
            return cls()
        return cls(late=settings.late_hours, excused=settings.excused_hours)


def earned_hours(status: str | None, offered: Decimal, credits: HoursCredits) -> Decimal:
    """Present earns the session's hours; late and excused as the course says; absent or no
    mark earns nothing. Never negative, never above `offered`."""
    if status == Attendance.Status.PRESENT:
        return offered
    if status == Attendance.Status.LATE:
        return _share(offered, credits.late)
    if status == Attendance.Status.EXCUSED:
        return _share(offered, credits.excused)
    return ZERO


def _share(offered: Decimal, credit: str) -> Decimal:
    """To a tenth of an hour, as hours are stored and printed: half of 1.5 is 0.8."""
    return (offered * _SHARE[HoursCredit(credit)]).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RegistrationHours:
    offered: Decimal = ZERO  # hours of the sessions that apply to the trainee
    earned: Decimal = ZERO


def _applies(session: Session, registration: Registration) -> bool:
    """A session of another discussion group does not apply to the trainee."""
    group = session.discussion_group_id
    return group is None or group == registration.discussion_group_id


def _marks_of(registrations: Sequence[Registration]) -> dict[int, dict[int, str]]:
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    for registration_id, session_id, status in Attendance.objects.filter(
        registration__in=[r.pk for r in registrations]
    ).values_list("registration_id", "session_id", "status"):
        marks[registration_id][session_id] = status
    return marks


def hours_for_registrations(
    registrations: Sequence[Registration],
    *,
    courses: Collection[Course] | None = None,
    sessions: Sequence[Session] | None = None,
    marks: Mapping[int, Mapping[int, str]] | None = None,
) -> dict[int, RegistrationHours]:
    """Hours offered to and earned by each registration, by id, in at most five queries for
    any number of registrations across any number of courses. A caller that has the
    registrations' courses, those courses' sessions or the marks (by registration, then
    session) already passes them and saves those queries."""
    course_ids = {r.course_id for r in registrations}
    if courses is None:
        courses = list(Course.objects.filter(pk__in=course_ids).only("pk", "time_zone"))
    if sessions is None:
        sessions = sessions_for_hours(course_ids)
    offered = hours_of_courses(courses, sessions)
    by_course: dict[int, list[Session]] = defaultdict(list)
    for session in sessions:
        by_course[session.course_id].append(session)
    credits = {
        s.course_id: HoursCredits.of(s)
        for s in AttendanceSettings.objects.filter(course__in=course_ids)
    }
    marks = _marks_of(registrations) if marks is None else marks
    result = {}
    for registration in registrations:
        course_credits = credits.get(registration.course_id, HoursCredits())
        applying = [s for s in by_course[registration.course_id] if _applies(s, registration)]
        mine = marks.get(registration.pk, {})
        result[registration.pk] = RegistrationHours(
            offered=sum((offered[s.pk] for s in applying), ZERO),
            earned=sum(
                (earned_hours(mine.get(s.pk), offered[s.pk], course_credits) for s in applying),
                ZERO,
            ),
        )
    return result
