"""The learning hours (学时) a course offers: each session's hours under the course's rule.

Computed on read from the timetable and the rule, never stored, so they cannot go stale when a
session moves or the rule changes. Earned hours (by attendance) are the attendance app's.
"""

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from courses.models import Course, HoursRule, Session

# Ceremonies give no hours unless an organiser sets a session's hours by hand.
UNCOUNTED_KINDS = frozenset({Session.Kind.OPENING, Session.Kind.CLOSING})
ZERO = Decimal("0")
HALF = Decimal("0.5")


def round_half(value: Decimal) -> Decimal:
    """To the nearest half hour, halves up: 0.75 → 1, 0.7 → 0.5."""
    return ((value * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 2).quantize(HALF)


def hours_rule_for(course: Course) -> HoursRule:
    """The course's stored rule, or the defaults (unsaved)."""
    return HoursRule.objects.filter(course=course).first() or HoursRule(course=course)


def _minutes(session: Session) -> Decimal:
    return Decimal((session.ends_at - session.starts_at).total_seconds()) / 60


def _half_day(session: Session, tz: zoneinfo.ZoneInfo) -> tuple[datetime.date, int]:
    local = session.starts_at.astimezone(tz)
    return local.date(), (0 if local.hour < 12 else 1 if local.hour < 18 else 2)


def _by_half_day(
    sessions: Sequence[Session], rule: HoursRule, tz: zoneinfo.ZoneInfo
) -> dict[int, Decimal]:
    """Each half-day's hours shared among its sessions by length."""
    groups: dict[tuple[datetime.date, int], list[Session]] = defaultdict(list)
    for session in sessions:
        groups[_half_day(session, tz)].append(session)
    hours: dict[int, Decimal] = {}
    for group in groups.values():
        total = sum((_minutes(s) for s in group), ZERO)
        for session in group:
            hours[session.pk] = round_half(Decimal(rule.half_day_hours) * _minutes(session) / total)
    return hours


def session_hours(
    sessions: Sequence[Session], rule: HoursRule, tz: zoneinfo.ZoneInfo
) -> dict[int, Decimal]:
    """The hours of each of one course's sessions, by session id: the organiser's override if
    set, else 0 for a ceremony, else the course's rule."""
    counted = [s for s in sessions if s.hours_override is None and s.kind not in UNCOUNTED_KINDS]
    if rule.method == HoursRule.Method.FIXED:
        by_rule = {s.pk: Decimal(rule.fixed_hours) for s in counted}
    elif rule.method == HoursRule.Method.HALF_DAY:
        by_rule = _by_half_day(counted, rule, tz)
    else:
        by_rule = {s.pk: round_half(_minutes(s) / rule.minutes_per_hour) for s in counted}
    hours = {}
    for session in sessions:
        if session.hours_override is not None:
            hours[session.pk] = Decimal(session.hours_override)
        else:
            hours[session.pk] = by_rule.get(session.pk, ZERO)
    return hours


def sessions_for_hours(course_ids: Collection[int]) -> list[Session]:
    """The sessions of these courses with the fields the hours need."""
    return list(
        Session.objects.filter(course__in=course_ids).only(
            "pk",
            "course_id",
            "kind",
            "starts_at",
            "ends_at",
            "hours_override",
            "discussion_group_id",
        )
    )


def hours_of_courses(
    courses: Collection[Course], sessions: Iterable[Session] | None = None
) -> dict[int, Decimal]:
    """Every session's hours for these courses, by session id: one query for the rules, and
    one for the sessions unless the caller has them already."""
    course_ids = [c.pk for c in courses]
    rules = {r.course_id: r for r in HoursRule.objects.filter(course__in=course_ids)}
    by_course: dict[int, list[Session]] = defaultdict(list)
    for session in sessions_for_hours(course_ids) if sessions is None else sessions:
        by_course[session.course_id].append(session)
    hours: dict[int, Decimal] = {}
    for course in courses:
        rule = rules.get(course.pk) or HoursRule(course=course)
        hours.update(session_hours(by_course[course.pk], rule, course.tz))
    return hours


def hours_of_course(course: Course) -> dict[int, Decimal]:
    return hours_of_courses([course])


def total(hours: Iterable[Decimal]) -> Decimal:
    return sum(hours, ZERO)
