"""The demo after course A: `seed_demo --course-a-over` moves it into the past and fills in
what follows it: the published FAQ of answered questions and the survey results with charts."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from attendance.models import Attendance
from courses.demo import ORGANISER_EMAIL, TITLE_A
from courses.models import Course
from enrollment.models import Registration
from feedback import selectors
from feedback.models import Survey, SurveyAnswer, SurveyResponse
from questions.models import Faq, Question

pytestmark = pytest.mark.django_db


def test_course_a_after_its_sessions_has_its_faq_and_survey_results(client):
    call_command("seed_demo", verbosity=0)
    course = Course.objects.get(title=TITLE_A)
    assert not Faq.objects.filter(course=course).exists()  # it lies ahead
    assert not SurveyResponse.objects.exists()

    call_command("seed_demo", "--course-a-over", verbosity=0)
    course.refresh_from_db()
    last_end = course.sessions.order_by("-ends_at").first().ends_at
    assert timezone.localtime(last_end, course.tz).date() == timezone.localdate(
        timezone=course.tz
    ) - datetime.timedelta(days=1)
    assert course.ends_on == timezone.localdate(timezone=course.tz) - datetime.timedelta(days=1)

    # Questions: answered ones, published as the FAQ.
    faq = Faq.objects.get(course=course)
    assert faq.published_at is not None
    answered = Question.objects.filter(course=course, status="answered", visible_to_trainees=True)
    assert answered.count() > 20
    # Attendance of the sessions that are over.
    assert Attendance.objects.filter(session__course=course).exists()

    # Survey: closed or open, with responses from about three trainees in four.
    survey = Survey.objects.get(course=course)
    assert selectors.survey_state(survey) == "open"
    confirmed = Registration.objects.filter(course=course, status="confirmed").count()
    responses = survey.responses.count()
    assert 0.7 * confirmed <= responses <= 0.8 * confirmed
    results = selectors.survey_results(survey)
    overall, per_session, length, topics, suggestions = results.questions
    assert 3.5 < overall.average < 5
    assert sum(bar.count for bar in overall.bars) == responses
    assert all(row["answered"] > 0 for row in per_session.sessions)
    assert sum(bar.count for bar in length.bars) == responses
    assert suggestions.texts and all(name == "" for name, _text in suggestions.texts)

    # Idempotent: nothing moves or doubles when run again.
    answers = SurveyAnswer.objects.count()
    call_command("seed_demo", "--course-a-over", verbosity=0)
    assert survey.responses.count() == responses and SurveyAnswer.objects.count() == answers
    assert course.sessions.order_by("-ends_at").first().ends_at == last_end
    assert Faq.objects.filter(course=course).count() == 1

    # The demo organiser sees the charts and the FAQ.
    client.force_login(course.organisers.get(email=ORGANISER_EMAIL))
    page = client.get(reverse("feedback:survey-results", args=[course.pk])).content.decode()
    assert page.count('class="survey-bar"') > 20
    assert "希望" in page
    faq_page = client.get(reverse("questions:faq-detail", args=[course.pk])).content.decode()
    assert answered.first().answer in faq_page
