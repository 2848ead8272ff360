"""Reads of attendance, scoped to who is asking."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Collate
from django.utils import timezone

from accounts.models import PINYIN_COLLATION, User
from accounts.roles import Role, user_has_role, user_is_administrator
from accounts.types import AnyUser
from attendance.models import Attendance, AttendanceChange, AttendanceSettings
from courses.models import Course, CourseCheckinStaff, DiscussionGroup, Session
from courses.selectors import (
    course_list_editable_by,
    course_list_exportable_by,  # noqa: F401 - re-exported
)
from enrollment.models import Registration
from enrollment.selectors import registration_list_confirmed_for, registration_list_confirmed_of

# Check-in staff work at the venue of courses that are not drafts.
STAFF_STATUSES = (Course.Status.PUBLISHED, Course.Status.ARCHIVED)


def course_list_for_attendance(user: AnyUser) -> QuerySet[Course]:
    """Courses whose attendance `user` may take: organisers their own, check-in staff those
    their organisers assigned them to (the check-in staff role: every course), administrators
    all."""
    if not user.is_authenticated:
        return Course.objects.none()
    if user_is_administrator(user):
        return Course.objects.all()
    scope = Q(pk__in=course_list_editable_by(user).values("pk"))
    if user_has_role(user, Role.CHECKIN_STAFF):
        scope |= Q(status__in=STAFF_STATUSES)
    else:
        assigned = CourseCheckinStaff.objects.filter(user=user).values("course_id")
        scope |= Q(status__in=STAFF_STATUSES, pk__in=assigned)
    return Course.objects.filter(pk__in=Course.objects.filter(scope).values("pk"))


def course_list_for_attendance_by_date(user: AnyUser) -> QuerySet[Course]:
    """Non-draft courses for the attendance list: running and upcoming soonest first, then
    past ones latest first."""
    today = timezone.localdate()
    return (
        course_list_for_attendance(user)
        .exclude(status=Course.Status.DRAFT)
        .annotate(
            is_past=Case(
                When(ends_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            upcoming_key=Case(When(ends_on__gte=today, then=F("starts_on"))),
            past_key=Case(When(ends_on__lt=today, then=F("starts_on"))),
        )
        .order_by("is_past", "upcoming_key", F("past_key").desc(nulls_last=True), "pk")
    )


def attendance_can_take(*, user: AnyUser, course: Course) -> bool:
    return course_list_for_attendance(user).filter(pk=course.pk).exists()


def session_list_for_attendance(user: AnyUser) -> QuerySet[Session]:
    return Session.objects.filter(course__in=course_list_for_attendance(user)).select_related(
        "course", "discussion_group"
    )


def attendance_settings_for(course: Course) -> AttendanceSettings:
    """The stored rules, or the defaults (unsaved) for a course without a row."""
    try:
        return AttendanceSettings.objects.get(course=course)
    except AttendanceSettings.DoesNotExist:
        return AttendanceSettings(course=course)


def roster_registrations(session: Session) -> QuerySet[Registration]:
    """The confirmed trainees expected at a session (a group session: that group's members)."""
    registrations = registration_list_confirmed_of(session.course_id)
    if session.discussion_group_id:
        registrations = registrations.filter(discussion_group_id=session.discussion_group_id)
    return registrations


@dataclass
class RosterRow:
    registration: Registration
    mark: Attendance | None
    changes: list[AttendanceChange] = field(default_factory=list)


def changes_by_registration(
    session: Session, *, registration_id: int | None = None
) -> dict[int, list[AttendanceChange]]:
    """The corrections of a session's marks (or of one trainee's), oldest first, by
    registration id: one query."""
    found = AttendanceChange.objects.filter(session=session).select_related("changed_by")
    if registration_id:
        found = found.filter(registration_id=registration_id)
    changes: dict[int, list[AttendanceChange]] = {}
    for change in found:
        changes.setdefault(change.registration_id, []).append(change)
    return changes


def roster_for_session(
    session: Session, *, q: str = "", group_id: int | None = None
) -> list[RosterRow]:
    """The roster in pinyin order with each trainee's mark and its corrections: three queries
    whatever its size. Only the columns the roster shows are read."""
    registrations = (
        roster_registrations(session)
        .select_related("discussion_group")
        .only("pk", "full_name", "organisation_name", "discussion_group__name")
    )
    if q:
        registrations = registrations.filter(full_name__icontains=q.strip())
    if group_id:
        registrations = registrations.filter(discussion_group_id=group_id)
    registrations = registrations.order_by(Collate("full_name", PINYIN_COLLATION), "pk")
    marks = {
        mark.registration_id: mark
        for mark in Attendance.objects.filter(session=session).only(
            "registration_id", "status", "remark", "method", "marked_at"
        )
    }
    changes = changes_by_registration(session)
    return [
        RosterRow(registration=r, mark=marks.get(r.pk), changes=changes.get(r.pk, []))
        for r in registrations
    ]


def change_list_for_course(
    course: Course, *, session_id: int | None = None, registration_id: int | None = None
) -> QuerySet[AttendanceChange]:
    """A course's corrections of marks, newest first, optionally of one session or trainee."""
    changes = AttendanceChange.objects.filter(session__course=course)
    if session_id:
        changes = changes.filter(session_id=session_id)
    if registration_id:
        changes = changes.filter(registration_id=registration_id)
    return changes.select_related("session", "registration", "changed_by").order_by(
        "-changed_at", "-pk"
    )


@dataclass
class SessionCounts:
    session: Session
    expected: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def marked(self) -> int:
        return sum(self.counts.values())

    @property
    def unmarked(self) -> int:
        return max(0, self.expected - self.marked)


def session_counts_for_course(course: Course) -> list[SessionCounts]:
    """Every session of the course with expected trainees and marks per status: 3 queries."""
    sessions = list(
        Session.objects.filter(course=course)
        .select_related("discussion_group")
        .order_by("starts_at", "order", "pk")
    )
    by_group = dict(
        registration_list_confirmed_of(course.pk)
        .values("discussion_group_id")
        .annotate(n=Count("pk"))
        .values_list("discussion_group_id", "n")
    )
    everyone = sum(by_group.values())
    marks: dict[int, dict[str, int]] = {}
    for session_id, status, n in (
        Attendance.objects.filter(session__course=course)
        .values("session_id", "status")
        .annotate(n=Count("pk"))
        .values_list("session_id", "status", "n")
    ):
        marks.setdefault(session_id, {})[status] = n
    return [
        SessionCounts(
            session=session,
            expected=by_group.get(session.discussion_group_id, 0)
            if session.discussion_group_id
            else everyone,
            counts=marks.get(session.pk, {}),
        )
        for session in sessions
    ]


@dataclass
class MyAttendanceRow:
    session: Session
    mark: Attendance | None


def attendance_mine(*, user: User, course: Course) -> tuple[Registration, list[MyAttendanceRow]]:
    """The user's confirmed registration for the course and a row per session that applies to
    them; Registration.DoesNotExist when they have none."""
    registration = (
        registration_list_confirmed_for(user).select_related("discussion_group").get(course=course)
    )
    sessions = Session.objects.filter(course=course).order_by("starts_at", "order", "pk")
    sessions = sessions.filter(
        Q(discussion_group__isnull=True) | Q(discussion_group_id=registration.discussion_group_id)
    )
    marks = {a.session_id: a for a in Attendance.objects.filter(registration=registration)}
    return registration, [MyAttendanceRow(session=s, mark=marks.get(s.pk)) for s in sessions]


def session_marks(session: Session) -> dict[int, Attendance]:
    """The marks of a session by registration id, for the roster's live refresh: one query."""
    return {
        mark.registration_id: mark
        for mark in Attendance.objects.filter(
            session=session, registration__in=roster_registrations(session)
        )
    }


def session_checked_in(session: Session) -> tuple[int, int]:
    """(trainees present or late, trainees expected) at a session: two queries."""
    attended = Attendance.objects.filter(
        session=session, status__in=(Attendance.Status.PRESENT, Attendance.Status.LATE)
    ).count()
    return attended, roster_registrations(session).count()


def group_list_for_course(course_id: int) -> list[DiscussionGroup]:
    return list(DiscussionGroup.objects.filter(course_id=course_id))


def roster_groups(session: Session) -> list[DiscussionGroup]:
    """The groups a session's roster can be filtered by: none for one group's own session."""
    return [] if session.discussion_group_id else group_list_for_course(session.course_id)


def mark_counts(rows: Iterable[Any]) -> dict[str, int]:
    """How many rows (of a roster, or of a trainee's sessions) carry each mark."""
    counts = {status: 0 for status in Attendance.Status.values}
    for row in rows:
        if row.mark:
            counts[row.mark.status] += 1
    return counts


def attendance_of(*, session: Session, registration_id: int) -> Attendance:
    return Attendance.objects.get(session=session, registration_id=registration_id)
