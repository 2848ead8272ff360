import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from exports.writer import SafeWorkbook
from questions.exporters import QuestionListExporter
from questions.models import Question, Vote
from tests.factories.accounts import UserFactory
from tests.factories.courses import SessionFactory, SpeakerFactory
from tests.factories.enrollment import RegistrationFactory
from tests.factories.questions import QuestionFactory, VoteFactory
from tests.questions.conftest import make_course

pytestmark = pytest.mark.django_db

SECRET_NAME = "隐名提问人"


@pytest.fixture
def anonymous_question(course):
    asker = RegistrationFactory(course=course, trainee__full_name=SECRET_NAME).trainee
    return QuestionFactory(
        course=course,
        asker=asker,
        anonymous=True,
        text="匿名问题：补贴标准如何确定？",
        status=Question.Status.ANSWERED,
        answer="按照文件规定执行。",
    )


def _url(name, *args):
    return reverse(f"questions:{name}", args=args)


# Who sees what


def test_the_queue_is_for_confirmed_trainees_and_organisers(client, course, trainee, organiser):
    url = _url("question-list", course.pk)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(RegistrationFactory(course=course, status="pending").trainee)
    assert client.get(url).status_code == 404
    client.force_login(trainee)
    assert client.get(url).status_code == 200
    client.force_login(organiser)
    assert client.get(url).status_code == 200


def test_triage_is_for_the_course_organisers_only(client, course, trainee, organiser):
    question = QuestionFactory(course=course, asker=trainee)
    for user in (trainee, UserFactory(roles=["organiser"])):
        client.force_login(user)
        assert client.get(_url("question-triage", course.pk)).status_code == 404
        response = client.post(_url("question-answer", question.pk), {"answer": "我来答"})
        assert response.status_code == 404
        response = client.post(_url("question-bulk-hide", course.pk), {"questions": [question.pk]})
        assert response.status_code == 404
    question.refresh_from_db()
    assert question.status == Question.Status.OPEN
    client.force_login(organiser)
    assert client.get(_url("question-triage", course.pk)).status_code == 200


def test_anonymity_holds_in_every_trainee_view(client, organiser, trainee):
    course = make_course(organiser, days_ahead=-2)  # over: the FAQ can be published
    asker = RegistrationFactory(course=course, trainee__full_name=SECRET_NAME).trainee
    RegistrationFactory(course=course, trainee=trainee)
    question = QuestionFactory(
        course=course,
        asker=asker,
        anonymous=True,
        session=course.sessions.get(),
        status=Question.Status.ANSWERED,
        answer="按照文件规定执行。",
    )
    open_question = QuestionFactory(course=course, asker=asker, anonymous=True)
    client.force_login(organiser)
    client.post(_url("faq-publish", course.pk), {"grouping": "session"})
    client.force_login(trainee)
    pages = [
        client.get(_url("question-list", course.pk)),
        client.get(_url("question-list", course.pk) + "?order=time"),
        client.get(_url("question-live", course.pk)),
        client.get(_url("question-live-data", course.pk)),
        client.get(_url("faq-detail", course.pk)),
    ]
    for response in pages:
        assert response.status_code == 200
        assert SECRET_NAME not in response.content.decode()
    assert question.text in pages[0].content.decode()
    assert question.text in pages[4].content.decode()
    data = json.loads(pages[3].content)
    assert [(q["id"], q["asker"]) for q in data["questions"]] == [(open_question.pk, "")]
    # The organisers always see who asked.
    client.force_login(organiser)
    assert SECRET_NAME in client.get(_url("question-triage", course.pk)).content.decode()


def test_a_named_question_shows_its_asker(client, course, trainee, other_trainee):
    QuestionFactory(course=course, asker=other_trainee, text="署名问题")
    client.force_login(trainee)
    assert "李四海" in client.get(_url("question-list", course.pk)).content.decode()


def test_questions_not_shown_stay_out_of_the_queue(client, course, trainee, other_trainee):
    QuestionFactory(
        course=course, asker=other_trainee, text="未公开的问题", visible_to_trainees=False
    )
    QuestionFactory(course=course, asker=other_trainee, text="已隐藏的问题", status="hidden")
    client.force_login(trainee)
    content = client.get(_url("question-list", course.pk)).content.decode()
    assert "未公开的问题" not in content
    assert "已隐藏的问题" not in content
    content = client.get(_url("question-live-data", course.pk)).content.decode()
    assert "未公开的问题" not in content


# Asking and voting through the pages


def test_a_trainee_asks_edits_and_votes(client, course, trainee, other_trainee):
    client.force_login(trainee)
    response = client.post(
        _url("question-create", course.pk),
        {"text": "能否提供课件？", "session": course.sessions.get().pk, "anonymous": "on"},
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.asker, question.anonymous) == (trainee, True)
    response = client.post(_url("question-update", question.pk), {"text": "能否提供全部课件？"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "能否提供全部课件？"
    assert question.anonymous is False

    other = QuestionFactory(course=course, asker=other_trainee)
    client.post(_url("vote-create", other.pk))
    client.post(_url("vote-create", other.pk))
    assert Vote.objects.filter(question=other).count() == 1
    client.post(_url("vote-delete", other.pk))
    assert not Vote.objects.exists()


def test_the_ask_form_reports_errors(client, course, trainee):
    client.force_login(trainee)
    response = client.post(_url("question-create", course.pk), {"text": ""})
    assert response.status_code == 200
    assert not Question.objects.exists()


def test_others_cannot_edit_or_vote_out_of_scope(client, course, trainee, other_trainee):
    question = QuestionFactory(course=course, asker=trainee)
    client.force_login(other_trainee)
    assert client.get(_url("question-update", question.pk)).status_code == 404
    client.force_login(UserFactory())
    assert client.post(_url("vote-create", question.pk)).status_code == 404
    assert not Vote.objects.exists()


def test_the_queue_sorts_by_votes_or_time(client, course, trainee, other_trainee):
    older = QuestionFactory(course=course, asker=other_trainee, text="较早的问题")
    newer = QuestionFactory(course=course, asker=other_trainee, text="较新的问题")
    VoteFactory(question=older, user=trainee)
    client.force_login(trainee)
    by_votes = client.get(_url("question-list", course.pk)).context["questions"]
    assert by_votes == [older, newer]
    by_time = client.get(_url("question-list", course.pk) + "?order=time").context["questions"]
    assert by_time == [newer, older]


# Triage through the pages


def test_an_organiser_answers_merges_and_hides(client, course, trainee, other_trainee, organiser):
    question = QuestionFactory(course=course, asker=trainee)
    duplicate = QuestionFactory(course=course, asker=other_trainee)
    client.force_login(organiser)
    client.post(_url("question-answer", question.pk), {"answer": "答复"})
    client.post(_url("question-merge", duplicate.pk), {"target": question.pk})
    question.refresh_from_db()
    duplicate.refresh_from_db()
    assert question.status == Question.Status.ANSWERED
    assert duplicate.merged_into == question
    client.post(_url("question-bulk-hide", course.pk), {"questions": [question.pk]})
    question.refresh_from_db()
    assert question.status == Question.Status.HIDDEN
    response = client.post(_url("question-merge", question.pk), {"target": 0})
    assert response.status_code == 302


def test_the_faq_waits_for_publication(client, organiser):
    course = make_course(organiser, days_ahead=-2)
    trainee = RegistrationFactory(course=course).trainee
    QuestionFactory(course=course, asker=trainee, status="answered", answer="答复")
    client.force_login(trainee)
    assert client.get(_url("faq-detail", course.pk)).status_code == 404
    client.force_login(organiser)
    assert client.get(_url("faq-detail", course.pk)).status_code == 200  # preview
    client.post(_url("faq-publish", course.pk), {"grouping": "topic"})
    client.force_login(trainee)
    assert client.get(_url("faq-detail", course.pk)).status_code == 200
    client.force_login(UserFactory())
    assert client.get(_url("faq-detail", course.pk)).status_code == 404


# Query counts


def _many(course, n=30):
    voters = [RegistrationFactory(course=course).trainee for _ in range(3)]
    for i in range(n):
        question = QuestionFactory(
            course=course, asker=voters[i % 3], session=course.sessions.get(), topic="经费"
        )
        VoteFactory(question=question, user=voters[(i + 1) % 3])
    return voters


def test_query_counts(client, django_assert_max_num_queries, organiser):
    course = make_course(organiser, days_ahead=-2)
    voters = _many(course)
    Question.objects.update(status="answered", answer="答复")
    client.force_login(organiser)
    client.post(_url("faq-publish", course.pk), {"grouping": "session"})
    client.force_login(voters[0])
    for name in ("question-list", "question-live", "question-live-data", "faq-detail"):
        with django_assert_max_num_queries(15):
            assert client.get(_url(name, course.pk)).status_code == 200
    client.force_login(organiser)
    with django_assert_max_num_queries(20):
        assert client.get(_url("question-triage", course.pk)).status_code == 200


def _triage_questions(course, organiser, n):
    """`n` more questions on several sessions and speakers: answered ones (by the organiser),
    open ones, each with votes, and a duplicate merged into every third."""
    speakers = [SpeakerFactory() for _ in range(2)]
    sessions = [SessionFactory(course=course, speakers=speakers) for _ in range(2)]
    voters = [RegistrationFactory(course=course).trainee for _ in range(3)]
    for i in range(n):
        question = QuestionFactory(
            course=course,
            asker=voters[i % 3],
            session=sessions[i % 2],
            speaker=speakers[i % 2],
            topic="经费",
            anonymous=i % 2 == 0,
        )
        if i % 2:
            Question.objects.filter(pk=question.pk).update(
                status=Question.Status.ANSWERED, answer="答复", answered_by=organiser
            )
        for voter in voters[: i % 3 + 1]:
            VoteFactory(question=question, user=voter)
        if i % 3 == 0:
            QuestionFactory(course=course, asker=voters[(i + 1) % 3], merged_into=question)


def test_the_triage_page_makes_as_many_queries_for_many_questions_as_for_few(client, organiser):
    course = make_course(organiser, days_ahead=-2)
    client.force_login(organiser)
    url = _url("question-triage", course.pk)
    counts = []
    for n in (5, 10):  # 5 questions, then 15
        _triage_questions(course, organiser, n)
        client.get(url)  # the session and its caches warmed as on any later visit
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["questions"]) == Question.objects.filter(course=course).count()
    assert counts[0] == counts[1] <= 15


def test_the_triage_page_keeps_each_question_s_session_speaker_and_actions(client, organiser):
    course = make_course(organiser, days_ahead=-2)
    _triage_questions(course, organiser, 2)
    answered = Question.objects.get(course=course, status=Question.Status.ANSWERED)
    client.force_login(organiser)
    html = client.get(_url("question-triage", course.pk)).text
    item = html[html.index(f'id="question-{answered.pk}"') :]
    item = item[: item.index("</li>")]
    assert f'<option value="{answered.session_id}" selected>' in item
    assert f'<option value="{answered.speaker_id}" selected>' in item
    assert item.count(" selected>") == 2
    for name in (
        "question-unshow",
        "question-study",
        "question-reopen",
        "question-hide",
        "question-answer",
        "question-answer-on-the-spot",
        "question-assign",
        "question-merge",
    ):
        assert f'"{_url(name, answered.pk)}"' in item
    assert f'"{_url("question-show", answered.pk)}"' not in item  # it is shown already
    assert item.count('name="csrfmiddlewaretoken"') == 4


# Export


def test_the_export_names_the_asker_for_organisers(
    tmp_path, course, anonymous_question, organiser, trainee
):
    exporter = QuestionListExporter(QuestionListExporter.clean_params({"course": course.pk}))
    assert exporter.can_request(organiser)
    assert not exporter.can_request(trainee)
    assert exporter.total() == 1
    with translation.override("zh-hans"):
        book = SafeWorkbook(time_zone=exporter.time_zone())
        exporter.write(book, lambda n: None)
        book.save(tmp_path / "q.xlsx")
    rows = list(load_workbook(tmp_path / "q.xlsx").active.iter_rows(values_only=True))
    assert len(rows) == 2
    row = rows[1]
    assert anonymous_question.text in row
    assert SECRET_NAME in row
    assert "按照文件规定执行。" in row
    assert "是" in row  # anonymous to other trainees


def test_triage_lists_originals_before_duplicates(client, course, trainee, organiser):
    original = QuestionFactory(course=course, asker=trainee)
    duplicate = QuestionFactory(course=course, asker=trainee, merged_into=original)
    client.force_login(organiser)
    listed = client.get(_url("question-triage", course.pk)).context["questions"]
    assert listed == [original, duplicate]


def test_triage_puts_the_answer_form_in_front_of_questions_waiting_for_one(
    client, course, trainee, organiser
):
    import re

    waiting = QuestionFactory(course=course, asker=trainee)
    answered = QuestionFactory(
        course=course, asker=trainee, status=Question.Status.ANSWERED, answer="已答复。"
    )
    client.force_login(organiser)
    html = client.get(_url("question-triage", course.pk)).text
    found = re.findall(r'<details class="mt-2 answer-box"( open)?>.*?id="answer-(\d+)"', html, re.S)
    boxes = {pk: bool(opened) for opened, pk in found}
    assert boxes == {str(waiting.pk): True, str(answered.pk): False}


def test_the_triage_counter_says_waiting_for_an_answer_in_chinese(client, course, organiser):
    organiser.preferred_language = "zh-hans"
    organiser.save(update_fields=["preferred_language"])
    client.force_login(organiser)
    html = client.get(_url("question-triage", course.pk)).text
    assert "待答复" in html
    assert "报名中" not in html
