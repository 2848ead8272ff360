"""Organisers edit, reorder and delete survey questions, and copy another course's survey.
Once trainees have answered, the collected answers keep their meaning: wording may change,
kinds and chosen choices may not, answered questions are not deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEvent
from feedback import selectors, services
from feedback.models import Survey, SurveyAnswer, SurveyQuestion
from tests.factories.accounts import UserFactory
from tests.factories.courses import SessionFactory
from tests.factories.enrollment import RegistrationFactory
from tests.questions.conftest import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_course(organiser):
    return make_course(organiser, days_ahead=0)


def _survey(organiser, course) -> Survey:
    survey = services.survey_save(
        user=organiser, course=course, intro="请填写", open_days=7, anonymous=True
    )
    services.survey_template_apply(user=organiser, survey=survey)
    return survey


def _respond(survey, trainee=None):
    trainee = trainee or RegistrationFactory(course=survey.course).trainee
    rating, sessions, single, multiple, text = selectors.survey_questions(survey)
    return services.survey_submit(
        user=trainee,
        survey=survey,
        answers={
            rating.pk: 4,
            sessions.pk: {survey.course.sessions.get().pk: 5},
            single.pk: single.choice_list[1],
            multiple.pk: multiple.choice_list[:2],
        },
    )


def _texts(survey):
    return [q.text for q in selectors.survey_questions(survey)]


def _update(organiser, question, **changes):
    values = {
        "kind": question.kind,
        "text": question.text,
        "choices": question.choices,
        "required": question.required,
    }
    values.update(changes)
    return services.survey_question_update(user=organiser, question=question, **values)


def test_an_unanswered_question_changes_freely(organiser, open_course):
    survey = _survey(organiser, open_course)
    question = selectors.survey_questions(survey)[4]
    _update(
        organiser, question, kind="single", text=" 住宿安排满意吗？ ", choices="满意\n\n一般\n满意"
    )
    question.refresh_from_db()
    assert (question.kind, question.text, question.choice_list) == (
        "single",
        "住宿安排满意吗？",
        ["满意", "一般"],
    )
    assert AuditEvent.objects.filter(action="feedback.question_update").count() == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"text": "  "}, "empty"),
        ({"kind": "nonsense"}, "invalid_kind"),
        ({"kind": "single", "choices": "只有一个"}, "too_few_choices"),
    ],
)
def test_bad_input_changes_nothing(organiser, open_course, changes, code):
    survey = _survey(organiser, open_course)
    question = selectors.survey_questions(survey)[4]
    with pytest.raises(ValidationError) as excinfo:
        _update(organiser, question, **changes)
    assert excinfo.value.code == code
    fresh = SurveyQuestion.objects.get(pk=question.pk)
    assert (fresh.kind, fresh.text) == ("text", question.text)


def test_an_answered_question_keeps_its_kind_and_chosen_choices(organiser, open_course):
    survey = _survey(organiser, open_course)
    _respond(survey)
    rating, _sessions, single, multiple, text = selectors.survey_questions(survey)
    # Wording, optional/required and new choices are fine.
    _update(organiser, rating, text="总体而言，您对本次培训是否满意？", required=False)
    _update(organiser, single, choices=single.choices + "\n说不清")
    # The kind of an answered question stays.
    with pytest.raises(ValidationError) as excinfo:
        _update(organiser, rating, kind="text")
    assert excinfo.value.code == "kind_locked"
    # A chosen choice can be neither removed nor renamed; an unchosen one can.
    chosen = single.choice_list[1]
    with pytest.raises(ValidationError) as excinfo:
        _update(organiser, single, choices="\n".join(c for c in single.choice_list if c != chosen))
    assert excinfo.value.code == "choices_locked"
    assert chosen in excinfo.value.messages[0]
    with pytest.raises(ValidationError) as excinfo:
        _update(organiser, multiple, choices=multiple.choices.replace(multiple.choice_list[0], "X"))
    assert excinfo.value.code == "choices_locked"
    unchosen = single.choice_list[0]
    _update(
        organiser,
        single,
        choices="\n".join(c for c in single.choice_list if c != unchosen) + "\n说不清",
    )
    # A question nobody answered (the optional text) may still change its kind.
    _update(organiser, text, kind="rating")

    rating.refresh_from_db()
    single.refresh_from_db()
    assert (rating.kind, rating.text, rating.required) == (
        "rating",
        "总体而言，您对本次培训是否满意？",
        False,
    )
    assert chosen in single.choice_list and unchosen not in single.choice_list
    results = selectors.survey_results(survey)
    assert [bar.count for bar in results.questions[2].bars if bar.label == chosen] == [1]
    assert SurveyAnswer.objects.count() == 4


def test_only_unanswered_questions_are_deleted(organiser, open_course):
    survey = _survey(organiser, open_course)
    _respond(survey)
    rating, *_rest, text = selectors.survey_questions(survey)
    with pytest.raises(ValidationError) as excinfo:
        services.survey_question_delete(user=organiser, question=rating)
    assert excinfo.value.code == "has_answers"
    assert SurveyAnswer.objects.filter(question=rating).count() == 1
    services.survey_question_delete(user=organiser, question=text)  # nobody answered it
    assert len(_texts(survey)) == 4
    assert [q.order for q in selectors.survey_questions(survey)] == [1, 2, 3, 4]


def test_questions_move_up_and_down_even_after_responses(organiser, open_course):
    survey = _survey(organiser, open_course)
    _respond(survey)
    first, second, third, fourth, fifth = selectors.survey_questions(survey)
    services.survey_question_move(user=organiser, question=third, direction="up")
    services.survey_question_move(user=organiser, question=first, direction="down")
    services.survey_question_move(user=organiser, question=fifth, direction="down")  # stays last
    services.survey_question_move(user=organiser, question=third, direction="up")  # stays first
    assert [q.pk for q in selectors.survey_questions(survey)] == [
        third.pk,
        first.pk,
        second.pk,
        fourth.pk,
        fifth.pk,
    ]
    with pytest.raises(ValidationError) as excinfo:
        services.survey_question_move(user=organiser, question=first, direction="sideways")
    assert excinfo.value.code == "invalid_direction"


def test_reorder_names_every_question_once(organiser, open_course):
    survey = _survey(organiser, open_course)
    pks = [q.pk for q in selectors.survey_questions(survey)]
    services.survey_questions_reorder(user=organiser, survey=survey, order=pks[::-1])
    assert [q.pk for q in selectors.survey_questions(survey)] == pks[::-1]
    for stale in (pks[:-1], pks + [pks[0]], [*pks[:-1], 0]):
        with pytest.raises(ValidationError) as excinfo:
            services.survey_questions_reorder(user=organiser, survey=survey, order=stale)
        assert excinfo.value.code == "stale_order"
    assert [q.pk for q in selectors.survey_questions(survey)] == pks[::-1]


def test_only_the_course_organisers_edit_questions(organiser, open_course):
    survey = _survey(organiser, open_course)
    question = selectors.survey_questions(survey)[0]
    other = UserFactory(roles=[Role.ORGANISER])
    trainee = RegistrationFactory(course=open_course).trainee
    for user in (other, trainee):
        for call in (
            lambda u: _update(u, question, text="改"),
            lambda u: services.survey_question_move(user=u, question=question, direction="down"),
            lambda u: services.survey_question_delete(user=u, question=question),
        ):
            with pytest.raises(ValidationError) as excinfo:
                call(user)
            assert excinfo.value.code == "not_organiser"
    assert SurveyQuestion.objects.get(pk=question.pk).text == question.text


# Copying another course's survey


def test_copy_a_survey_into_a_new_course(organiser, open_course):
    source = _survey(organiser, open_course)
    _respond(source)
    target_course = make_course(organiser, days_ahead=30)
    SessionFactory(
        course=target_course, title="第二讲", starts_at=target_course.sessions.get().ends_at
    )
    copied = services.survey_copy(user=organiser, course=target_course, source=open_course)
    assert copied == 5
    target = Survey.objects.get(course=target_course)
    assert (target.intro, target.open_days, target.anonymous) == ("请填写", 7, True)
    assert _texts(target) == _texts(source)
    assert not SurveyAnswer.objects.filter(question__survey=target).exists()
    assert AuditEvent.objects.filter(action="feedback.survey_copy").exists()
    # The per-session rating rates the new course's sessions, not the old one's.
    session_question = selectors.survey_questions(target)[1]
    assert session_question.kind == "session_rating"
    new_sessions = selectors.survey_sessions(target_course)
    assert [s.course_id for s in new_sessions] == [target_course.pk] * 2
    results = selectors.survey_results(target)
    assert [row["session"] for row in results.questions[1].sessions] == new_sessions


def test_copy_appends_and_is_refused_after_responses(organiser, open_course):
    _survey(organiser, open_course)
    target_course = make_course(organiser, days_ahead=-1)
    target = services.survey_save(
        user=organiser, course=target_course, intro="自己的说明", open_days=3, anonymous=False
    )
    services.survey_question_add(user=organiser, survey=target, kind="text", text="已有的问题")
    services.survey_copy(user=organiser, course=target_course, source=open_course)
    target.refresh_from_db()
    assert (target.intro, target.open_days, target.anonymous) == ("自己的说明", 3, False)
    texts = _texts(target)
    assert texts[0] == "已有的问题" and len(texts) == 6
    assert [q.order for q in selectors.survey_questions(target)] == [1, 2, 3, 4, 5, 6]

    trainee = RegistrationFactory(course=target_course).trainee
    services.survey_submit(user=trainee, survey=target, answers=_answers_for(target))
    with pytest.raises(ValidationError) as excinfo:
        services.survey_copy(user=organiser, course=target_course, source=open_course)
    assert excinfo.value.code == "has_responses"
    assert len(_texts(target)) == 6


def _answers_for(survey):
    answers = {}
    for question in selectors.survey_questions(survey):
        if question.kind == "rating":
            answers[question.pk] = 3
        elif question.kind == "session_rating":
            answers[question.pk] = {survey.course.sessions.first().pk: 3}
        elif question.kind in ("single", "multiple"):
            answers[question.pk] = question.choice_list[:1]
            if question.kind == "single":
                answers[question.pk] = question.choice_list[0]
        else:
            answers[question.pk] = "好"
    return answers


def test_copy_only_from_a_course_one_organises(organiser, open_course):
    stranger = UserFactory(roles=[Role.ORGANISER])
    theirs = make_course(stranger, days_ahead=5)
    _survey(stranger, theirs)
    with pytest.raises(ValidationError) as excinfo:
        services.survey_copy(user=organiser, course=open_course, source=theirs)
    assert excinfo.value.code == "not_organiser"
    empty = make_course(organiser, days_ahead=5)
    with pytest.raises(ValidationError) as excinfo:
        services.survey_copy(user=organiser, course=open_course, source=empty)
    assert excinfo.value.code == "nothing_to_copy"
    with pytest.raises(ValidationError) as excinfo:
        services.survey_copy(user=organiser, course=open_course, source=open_course)
    assert excinfo.value.code == "same_course"
    assert not Survey.objects.filter(course=open_course).exists()
    assert list(selectors.survey_copy_sources(user=organiser, course=open_course)) == []


# Pages


def test_the_editor_page_edits_moves_and_deletes(client, organiser, open_course):
    survey = _survey(organiser, open_course)
    client.force_login(organiser)
    url = reverse("feedback:survey-update", args=[open_course.pk])
    first, second, *_rest, last = selectors.survey_questions(survey)
    page = client.get(url).content.decode()
    assert reverse("feedback:question-update", args=[open_course.pk, first.pk]) in page

    down = reverse("feedback:question-move-down", args=[open_course.pk])
    response = client.post(down, {"question": first.pk}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert selectors.survey_questions(survey)[:2] == [second, first]
    up = reverse("feedback:question-move-up", args=[open_course.pk])
    client.post(up, {"question": first.pk}, follow=True)
    assert selectors.survey_questions(survey)[:2] == [first, second]
    delete = reverse("feedback:question-delete", args=[open_course.pk])
    client.post(delete, {"question": last.pk}, follow=True)
    assert len(selectors.survey_questions(survey)) == 4
    # A question that is gone, or another survey's, is reported and changes nothing.
    for bad in (last.pk, "x", 2**40):
        response = client.post(delete, {"question": bad}, follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    client.post(
        reverse("feedback:question-reorder", args=[open_course.pk]),
        {
            "order": ",".join(str(q.pk) for q in selectors.survey_questions(survey)[::-1]),
        },
    )
    assert selectors.survey_questions(survey)[-1] == first

    edit = reverse("feedback:question-update", args=[open_course.pk, second.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "kind": "multiple",
            "text": "哪些讲座最有帮助？",
            "choices": "第一讲\n第二讲",
            "required": "",
        },
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.kind, second.text, second.required) == ("multiple", "哪些讲座最有帮助？", False)


def test_the_edit_page_keeps_what_was_typed_when_refused(client, organiser, open_course):
    survey = _survey(organiser, open_course)
    _respond(survey)
    single = selectors.survey_questions(survey)[2]
    client.force_login(organiser)
    edit = reverse("feedback:question-update", args=[open_course.pk, single.pk])
    page = client.get(edit).content.decode()
    assert 'id="question-answered"' in page
    # The kind field is disabled: a forged kind is ignored; removing a chosen choice is refused.
    response = client.post(edit, {"kind": "text", "text": "课程时长合适吗？", "choices": "太短"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "课程时长合适吗？" in content  # what was typed is still there
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    fresh = SurveyQuestion.objects.get(pk=single.pk)
    assert (fresh.kind, fresh.text, fresh.choices) == (single.kind, single.text, single.choices)
    # Deleting an answered question from the list is refused with a message.
    url = reverse("feedback:question-delete", args=[open_course.pk])
    response = client.post(url, {"question": single.pk}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert SurveyQuestion.objects.filter(pk=single.pk).exists()


def test_the_edit_pages_are_for_the_course_organisers(client, organiser, open_course):
    survey = _survey(organiser, open_course)
    question = selectors.survey_questions(survey)[0]
    edit = reverse("feedback:question-update", args=[open_course.pk, question.pk])
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"kind": "text", "text": "改"}).status_code == 404
    url = reverse("feedback:question-delete", args=[open_course.pk])
    assert client.post(url, {"question": question.pk}).status_code == 404
    client.force_login(RegistrationFactory(course=open_course).trainee)
    assert client.get(edit).status_code == 404
    other_course = make_course(organiser, days_ahead=4)
    client.force_login(organiser)
    wrong = reverse("feedback:question-update", args=[other_course.pk, question.pk])
    assert client.get(wrong).status_code == 404
    assert SurveyQuestion.objects.get(pk=question.pk).text == question.text


def test_the_setup_page_copies_another_survey(client, organiser, open_course):
    _survey(organiser, open_course)
    target_course = make_course(organiser, days_ahead=20)
    client.force_login(organiser)
    url = reverse("feedback:survey-update", args=[target_course.pk])
    page = client.get(url).content.decode()
    assert 'id="survey-copy"' in page and open_course.title in page
    copy = reverse("feedback:survey-copy", args=[target_course.pk])
    response = client.post(copy, {"source": open_course.pk}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert len(_texts(Survey.objects.get(course=target_course))) == 5
    # A course the organiser does not manage is not a valid choice.
    stranger_course = make_course(UserFactory(roles=[Role.ORGANISER]), days_ahead=5)
    _survey(stranger_course.organisers.get(), stranger_course)
    response = client.post(copy, {"source": stranger_course.pk}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert len(_texts(Survey.objects.get(course=target_course))) == 5


def test_editing_a_question_deleted_meanwhile_is_reported(organiser, open_course):
    survey = _survey(organiser, open_course)
    question = selectors.survey_questions(survey)[4]
    stale = SurveyQuestion.objects.get(pk=question.pk)
    services.survey_question_delete(user=organiser, question=question)
    with pytest.raises(ValidationError) as excinfo:
        _update(organiser, stale, text="改")
    assert excinfo.value.code == "not_found"
    with pytest.raises(ValidationError) as excinfo:
        services.survey_question_move(user=organiser, question=stale, direction="up")
    assert excinfo.value.code == "not_found"
    assert len(selectors.survey_questions(survey)) == 4


def test_organisers_preview_the_survey_as_trainees_see_it(client, organiser, open_course):
    survey = _survey(organiser, open_course)
    url = reverse("feedback:survey-preview", args=[open_course.pk])
    client.force_login(organiser)
    editor = client.get(reverse("feedback:survey-update", args=[open_course.pk])).content.decode()
    assert url in editor
    page = client.get(url).content.decode()
    assert 'id="survey-preview"' in page and 'id="survey-form"' in page
    for question in selectors.survey_questions(survey):
        assert question.text in page
    assert "提交问卷" not in page  # nothing to submit
    assert client.post(url, {}).status_code == 405
    assert not survey.responses.exists()
    client.force_login(RegistrationFactory(course=open_course).trainee)
    assert client.get(url).status_code == 404
