"""Earned hours (学时): what trainees earn of a course's hours by their attendance marks."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendance.hours import HoursCredits, earned_hours, hours_for_registrations
from attendance.models import Attendance, AttendanceSettings, HoursCredit
from attendance.services import attendance_mark, attendance_undo
from courses.hours import hours_of_course
from tests.factories.attendance import AttendanceFactory
from tests.factories.courses import CourseFactory, DiscussionGroupFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory

STATUSES = [None, *Attendance.Status.values]
CREDITS = st.builds(
    HoursCredits,
    late=st.sampled_from(HoursCredit.values),
    excused=st.sampled_from(HoursCredit.values),
)


@given(
    st.sampled_from(STATUSES),
    st.decimals(min_value=0, max_value=24, places=1),
    CREDITS,
)
def test_a_session_earns_between_nothing_and_its_hours(status, offered, credits):
    earned = earned_hours(status, offered, credits)
    assert Decimal("0") <= earned <= offered
    assert earned == earned.quantize(Decimal("0.1"))  # as stored and printed
    if status == Attendance.Status.PRESENT:
        assert earned == offered
    if status in (None, Attendance.Status.ABSENT):
        assert earned == 0


def test_late_counts_in_full_and_excused_not_at_all_by_default():
    two = Decimal("2")
    assert earned_hours(Attendance.Status.LATE, two, HoursCredits()) == two
    assert earned_hours(Attendance.Status.EXCUSED, two, HoursCredits()) == 0
    half = HoursCredits(late=HoursCredit.HALF, excused=HoursCredit.HALF)
    assert earned_hours(Attendance.Status.LATE, two, half) == 1
    assert earned_hours(Attendance.Status.EXCUSED, two, half) == 1
    assert earned_hours(Attendance.Status.LATE, Decimal("1.5"), half) == Decimal("0.8")


@pytest.mark.django_db
def test_hours_follow_the_course_settings_and_skip_other_groups_sessions():
    course = CourseFactory(status="published")
    group, other = DiscussionGroupFactory(course=course), DiscussionGroupFactory(course=course)
    registration = RegistrationFactory(course=course, discussion_group=group)
    lecture = SessionFactory(course=course)  # 90 minutes: 2 hours
    mine = SessionFactory(course=course, discussion_group=group)
    SessionFactory(course=course, discussion_group=other)
    AttendanceFactory(registration=registration, session=lecture, status="late")
    AttendanceFactory(registration=registration, session=mine, status="excused")
    AttendanceSettings.objects.create(course=course, late_hours="half", excused_hours="full")
    hours = hours_for_registrations([registration])[registration.pk]
    assert (hours.offered, hours.earned) == (Decimal("4"), Decimal("3"))


@pytest.mark.django_db
def test_hours_of_many_courses_take_a_constant_number_of_queries(django_assert_num_queries):
    registrations = []
    for _ in range(4):
        registration = RegistrationFactory()
        AttendanceFactory(registration=registration)
        registrations.append(registration)
    with django_assert_num_queries(5):
        hours = hours_for_registrations(registrations)
    assert all(h.earned == Decimal("2") for h in hours.values())


@pytest.mark.django_db
def test_totals_stay_consistent_after_any_sequence_of_mark_changes(course, organiser):
    sessions = [
        SessionFactory(
            course=course,
            starts_at=course_start(course, hour),
            ends_at=course_start(course, hour) + datetime.timedelta(minutes=minutes),
        )
        for hour, minutes in ((9, 90), (11, 60), (14, 200))
    ]
    registrations = [RegistrationFactory(course=course) for _ in range(2)]
    AttendanceSettings.objects.create(course=course, late_hours="half", excused_hours="half")
    offered = hours_of_course(course)
    credits = HoursCredits(late="half", excused="half")
    steps = st.lists(
        st.tuples(
            st.sampled_from(range(len(sessions))),
            st.sampled_from(range(len(registrations))),
            st.sampled_from(STATUSES),
        ),
        max_size=10,
    )

    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(steps)
    def check(changes):
        for s, r, status in changes:
            session, registration = sessions[s], registrations[r]
            if status is None:
                attendance_undo(
                    session_id=session.pk,
                    registration_id=registration.pk,
                    by=organiser,
                    reason="更正",
                )
            else:
                attendance_mark(
                    session_id=session.pk,
                    registration_ids=[registration.pk],
                    status=status,
                    by=organiser,
                    reason="更正",
                )
        result = hours_for_registrations(registrations)
        marks = dict(
            ((a.registration_id, a.session_id), a.status)
            for a in Attendance.objects.filter(session__course=course)
        )
        for registration in registrations:
            expected = sum(
                earned_hours(marks.get((registration.pk, s.pk)), offered[s.pk], credits)
                for s in sessions
            )
            hours = result[registration.pk]
            assert hours.earned == expected
            assert 0 <= hours.earned <= hours.offered == sum(offered.values())

    check()


def course_start(course, hour):
    return datetime.datetime.combine(course.starts_on, datetime.time(hour), tzinfo=course.tz)
