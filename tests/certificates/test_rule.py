"""The course's rule on its edges: exactly the minimum qualifies, just below does not, required
sessions, excused sessions as the course decides, feedback when required, group sessions."""

import pytest

from certificates import selectors
from feedback import services as feedback_services
from feedback.models import Survey, SurveyResponse
from tests.certificates.conftest import A, E, L, P, mark, rule
from tests.factories.courses import DiscussionGroupFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db


def _row(registration):
    return selectors.eligibility_for_registration(registration)


def test_exactly_the_minimum_qualifies_and_one_session_less_does_not(course, organiser):
    rule(course, organiser, min_attendance_percent=80)
    exactly = RegistrationFactory(course=course)
    mark(exactly, [P, P, P, P, L, P, P, P, A, A])  # 8 of 10 = 80 %
    below = RegistrationFactory(course=course)
    mark(below, [P, P, P, P, L, P, P, A, A, A])  # 7 of 10
    assert _row(exactly).percent == 80
    assert _row(exactly).qualifies
    assert _row(below).percent == 70
    assert not _row(below).qualifies
    assert _row(below).below_minimum


def test_just_below_a_minimum_that_does_not_divide_evenly(organiser):
    from tests.certificates.conftest import make_finished_course

    course = make_finished_course(organiser, sessions=3)
    rule(course, organiser, min_attendance_percent=67)
    two = RegistrationFactory(course=course)
    mark(two, [P, P, A])  # 66.67 %: below 67 %, shown as 66 %
    assert _row(two).percent == 66
    assert not _row(two).qualifies
    rule(course, organiser, min_attendance_percent=66)
    assert _row(two).qualifies


def test_a_missed_required_session_disqualifies_whatever_the_rate(course, organiser):
    opening = course.sessions.get(kind="opening")
    rule(course, organiser, min_attendance_percent=50, required_sessions=[opening])
    registration = RegistrationFactory(course=course)
    mark(registration, [A, P, P, P, P, P, P, P, P, P])
    row = _row(registration)
    assert not row.qualifies
    assert row.missed_required == [opening]
    assert any("开班仪式" in reason for reason in row.reasons)


def test_excused_sessions_count_only_when_the_course_says_so(course, organiser):
    registration = RegistrationFactory(course=course)
    mark(registration, [P, P, P, P, P, P, E, E, A, A])  # 6 present, 2 excused
    rule(course, organiser, min_attendance_percent=80, count_excused=False)
    assert _row(registration).percent == 60
    assert not _row(registration).qualifies
    rule(course, organiser, min_attendance_percent=80, count_excused=True)
    assert _row(registration).percent == 80
    assert _row(registration).qualifies


def test_an_excused_required_session_is_still_missed(course, organiser):
    opening = course.sessions.get(kind="opening")
    rule(course, organiser, count_excused=True, required_sessions=[opening])
    registration = RegistrationFactory(course=course)
    mark(registration, [E, P, P, P, P, P, P, P, P, P])
    assert _row(registration).missed_required == [opening]


def test_feedback_required_needs_a_submitted_response(course, organiser, trainee):
    rule(course, organiser, require_feedback=True)
    assert _row(trainee).feedback_missing
    assert not _row(trainee).qualifies
    survey = feedback_services.survey_save(
        user=organiser, course=course, intro="", open_days=7, anonymous=True
    )
    SurveyResponse.objects.create(survey=survey, respondent=trainee.trainee)
    assert _row(trainee).qualifies
    rule(course, organiser, require_feedback=False)
    assert not _row(trainee).feedback_missing


def test_feedback_required_without_a_survey_qualifies_nobody(course, organiser, trainee):
    rule(course, organiser, require_feedback=True)
    assert not Survey.objects.filter(course=course).exists()
    assert not _row(trainee).qualifies


def test_another_groups_session_does_not_count_against_a_trainee(course, organiser):
    mine, other = DiscussionGroupFactory(course=course), DiscussionGroupFactory(course=course)
    first = course.sessions.first()
    for group in (mine, other):
        SessionFactory(
            course=course,
            discussion_group=group,
            starts_at=first.starts_at.replace(hour=20),
            ends_at=first.starts_at.replace(hour=21),
        )
    registration = RegistrationFactory(course=course, discussion_group=mine)
    mark(registration, [P] * 11)
    row = _row(registration)
    assert (row.attended, row.sessions) == (11, 11)
    assert row.hours == 15  # 10 one-hour sessions of 1.5 learning hours; the opening 0


def test_only_confirmed_trainees_are_listed(course, organiser):
    RegistrationFactory(course=course, status="waitlisted")
    confirmed = RegistrationFactory(course=course)
    rows = selectors.eligibility_for_course(course)
    assert [row.registration for row in rows] == [confirmed]


def test_eligibility_takes_a_constant_number_of_queries(
    course, organiser, django_assert_max_num_queries
):
    rule(course, organiser, require_feedback=True)
    for _ in range(15):
        mark(RegistrationFactory(course=course), [P] * 10)
    # Seven, and two for the learning hours: the hours rule and the attendance settings.
    with django_assert_max_num_queries(9):
        rows = selectors.eligibility_for_course(course)
    assert len(rows) == 15
