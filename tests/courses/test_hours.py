"""The hours (学时) a course's sessions offer under its rule."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.hours import hours_of_course, round_half, session_hours
from courses.models import HoursRule, Session
from tests.factories.courses import CourseFactory, SessionFactory, at

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2027, 3, 1)


def _session(pk: int, start: str, minutes: int, kind=Session.Kind.LECTURE, override=None):
    starts = at(DAY, start)
    return Session(
        pk=pk,
        kind=kind,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=minutes),
        hours_override=override,
    )


def test_default_rule_counts_45_minutes_an_hour_rounded_to_half_hours():
    sessions = [_session(1, "09:00", 90), _session(2, "11:00", 100), _session(3, "14:00", 20)]
    assert session_hours(sessions, HoursRule(), TZ) == {
        1: Decimal("2.0"),
        2: Decimal("2.0"),  # 2.22 → 2
        3: Decimal("0.5"),  # 0.44 → 0.5
    }


def test_ceremonies_count_nothing_but_an_override_wins():
    sessions = [
        _session(1, "08:30", 30, kind=Session.Kind.OPENING),
        _session(2, "16:00", 30, kind=Session.Kind.CLOSING, override=Decimal("1")),
        _session(3, "09:00", 90, override=Decimal("3.5")),
    ]
    assert session_hours(sessions, HoursRule(), TZ) == {
        1: Decimal("0"),
        2: Decimal("1"),
        3: Decimal("3.5"),
    }


def test_fixed_rule_gives_each_counted_session_the_same_hours():
    rule = HoursRule(method=HoursRule.Method.FIXED, fixed_hours=Decimal("2"))
    sessions = [_session(1, "09:00", 30), _session(2, "14:00", 240)]
    assert session_hours(sessions, rule, TZ) == {1: Decimal("2"), 2: Decimal("2")}


def test_half_day_rule_shares_four_hours_per_half_day_by_length():
    rule = HoursRule(method=HoursRule.Method.HALF_DAY)
    sessions = [_session(1, "09:00", 90), _session(2, "10:45", 90), _session(3, "14:00", 180)]
    assert session_hours(sessions, rule, TZ) == {
        1: Decimal("2.0"),
        2: Decimal("2.0"),
        3: Decimal("4.0"),
    }


@given(st.decimals(min_value=0, max_value=1000, places=3))
def test_rounding_is_to_half_hours_and_within_a_quarter(value):
    rounded = round_half(value)
    assert rounded * 2 == int(rounded * 2)
    assert abs(rounded - value) <= Decimal("0.25")


session_specs = st.lists(
    st.tuples(
        st.integers(min_value=6 * 60, max_value=21 * 60),  # start, minutes after midnight
        st.integers(min_value=5, max_value=300),  # length in minutes
        st.sampled_from(Session.Kind.values),
        st.one_of(st.none(), st.decimals(min_value=0, max_value=12, places=1)),
    ),
    max_size=12,
)
rules = st.builds(
    HoursRule,
    method=st.sampled_from(HoursRule.Method.values),
    minutes_per_hour=st.integers(min_value=1, max_value=120),
    fixed_hours=st.decimals(min_value=0, max_value=24, places=1),
    half_day_hours=st.decimals(min_value=0, max_value=24, places=1),
)


@given(session_specs, rules)
def test_hours_are_never_negative_and_every_session_has_some(specs, rule):
    sessions = [
        _session(i, f"{start // 60:02d}:{start % 60:02d}", length, kind, override)
        for i, (start, length, kind, override) in enumerate(specs, start=1)
    ]
    hours = session_hours(sessions, rule, TZ)
    assert set(hours) == {s.pk for s in sessions}
    assert all(h >= 0 for h in hours.values())
    for session in sessions:
        if session.hours_override is not None:
            assert hours[session.pk] == session.hours_override


@pytest.mark.django_db
def test_a_course_without_a_rule_uses_the_default_from_its_timetable():
    course = CourseFactory()
    lecture = SessionFactory(course=course)  # 90 minutes
    opening = SessionFactory(course=course, kind=Session.Kind.OPENING)
    assert hours_of_course(course) == {lecture.pk: Decimal("2.0"), opening.pk: Decimal("0")}
    HoursRule.objects.create(course=course, method=HoursRule.Method.FIXED, fixed_hours=3)
    assert hours_of_course(course)[lecture.pk] == Decimal("3")


@pytest.mark.django_db
def test_the_timetable_and_course_page_show_each_sessions_hours_and_the_total(client):
    from django.urls import reverse

    from accounts.roles import Role
    from tests.factories.accounts import UserFactory

    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(organisers=[organiser], status="published")
    SessionFactory(
        course=course,
        kind=Session.Kind.OPENING,
        starts_at=at(course.starts_on, "08:30"),
        ends_at=at(course.starts_on, "09:00"),
    )
    client.force_login(organiser)
    response = client.post(
        reverse("courses:session-list", args=[course.pk]),
        {
            "kind": Session.Kind.LECTURE,
            "title": "专题讲座",
            "day": course.starts_on.isoformat(),
            "start_time": "09:00",
            "end_time": "10:30",
            "order": "0",
            "hours_override": "3",
        },
    )
    assert response.status_code == 302
    assert Session.objects.get(title="专题讲座").hours_override == Decimal("3")
    editor = client.get(reverse("courses:session-list", args=[course.pk])).content.decode()
    assert editor.count('class="badge text-bg-light border me-1 session-hours"') == 2
    assert 'data-hours="0"' in editor and 'id="course-hours" data-hours="3"' in editor
    client.force_login(UserFactory())
    page = client.get(course.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="course-hours" data-hours="3"' in page
    assert "共3学时" in page


@pytest.mark.django_db
def test_organisers_choose_the_courses_hours_rule(client):
    from django.urls import reverse

    from accounts.roles import Role
    from tests.factories.accounts import UserFactory

    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(organisers=[organiser])
    lecture = SessionFactory(course=course)
    url = reverse("courses:hours-rule-update", args=[course.pk])
    client.force_login(organiser)
    assert client.get(url).status_code == 200
    data = {"method": "fixed", "minutes_per_hour": "45", "fixed_hours": "3", "half_day_hours": "4"}
    assert client.post(url, data).status_code == 302
    assert hours_of_course(course)[lecture.pk] == Decimal("3")
    refused = client.post(url, {**data, "minutes_per_hour": "0"})
    assert refused.status_code == 400
    assert HoursRule.objects.get(course=course).minutes_per_hour == 45
