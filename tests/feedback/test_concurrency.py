"""Surveys under concurrent use, against the real PostgreSQL: threads released together by a
Barrier, each on its own connection."""

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from feedback import selectors, services
from feedback.models import SurveyAnswer, SurveyQuestion, SurveyResponse
from tests.factories.accounts import UserFactory
from tests.factories.enrollment import RegistrationFactory
from tests.questions.conftest import make_course
from tests.questions.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def survey(transactional_db):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = make_course(organiser, days_ahead=0)
    survey = services.survey_save(
        user=organiser, course=course, intro="", open_days=7, anonymous=True
    )
    services.survey_question_add(
        user=organiser, survey=survey, kind="single", text="住宿如何？", choices="好\n一般\n差"
    )
    return survey


def _submit(user, survey, choice):
    question = selectors.survey_questions(survey)[0]
    try:
        return services.survey_submit(user=user, survey=survey, answers={question.pk: choice})
    except ValidationError as exc:
        return exc.code


def test_one_response_when_the_same_trainee_submits_eight_times_at_once(survey):
    trainee = RegistrationFactory(course=survey.course).trainee
    results = run_together([lambda: _submit(trainee, survey, "好")] * 8)
    assert results.count("already_submitted") == 7, results
    assert SurveyResponse.objects.filter(respondent=trainee).count() == 1
    assert SurveyAnswer.objects.count() == 1


def test_answers_always_fit_the_question_while_an_organiser_edits_it(survey):
    """Trainees choose "差" while the organiser removes that choice: either the edit is refused
    (somebody chose it first) or the responses are (the choice is gone); never an answer that
    no longer fits the question."""
    organiser = survey.course.organisers.get()
    question = selectors.survey_questions(survey)[0]
    trainees = [RegistrationFactory(course=survey.course).trainee for _ in range(5)]

    def edit():
        try:
            services.survey_question_update(
                user=organiser, question=question, kind="single", text="住宿如何？",
                choices="好\n一般", required=True,
            )  # fmt: skip
        except ValidationError as exc:
            return exc.code
        return "edited"

    jobs = [lambda user=user: _submit(user, survey, "差") for user in trainees] + [edit]
    results = run_together(jobs)
    submits, edited = results[:-1], results[-1]
    assert not [r for r in results if isinstance(r, Exception)], results
    question = SurveyQuestion.objects.get(pk=question.pk)
    saved = list(SurveyAnswer.objects.filter(question=question).values_list("choices", flat=True))
    assert all(set(chosen) <= set(question.choice_list) for chosen in saved)
    if edited == "edited":
        assert question.choice_list == ["好", "一般"]
        assert saved == []
        assert set(submits) == {"invalid_choice"}
    else:
        assert edited == "choices_locked"
        assert "差" in question.choice_list
        assert len(saved) == len([r for r in submits if isinstance(r, SurveyResponse)]) >= 1
