import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from enrollment.models import Registration
from notifications.models import OutgoingMail
from questions import selectors, services
from questions.models import Faq, Question, Vote
from tests.factories.accounts import UserFactory
from tests.factories.courses import SessionFactory, SpeakerFactory
from tests.factories.enrollment import RegistrationFactory
from tests.factories.questions import QuestionFactory, VoteFactory
from tests.questions.conftest import make_course

pytestmark = pytest.mark.django_db


def _code(excinfo) -> str:
    return excinfo.value.code


# Asking


def test_a_confirmed_trainee_asks_before_the_course(course, trainee):
    question = services.question_ask(user=trainee, course=course, text="  经费从哪里来？ ")
    assert question.text == "经费从哪里来？"
    assert question.asked_phase == Question.Phase.BEFORE
    assert question.status == Question.Status.OPEN
    assert question.visible_to_trainees is False


def test_a_question_asked_while_the_course_runs_is_a_during_question(organiser):
    course = make_course(organiser, days_ahead=0)  # the session started just now
    trainee = RegistrationFactory(course=course).trainee
    question = services.question_ask(user=trainee, course=course, text="现场提问")
    assert question.asked_phase == Question.Phase.DURING


def test_no_questions_after_the_course(organiser):
    course = make_course(organiser, days_ahead=-2)
    trainee = RegistrationFactory(course=course).trainee
    with pytest.raises(ValidationError) as excinfo:
        services.question_ask(user=trainee, course=course, text="还能提问吗？")
    assert _code(excinfo) == "course_finished"


@pytest.mark.parametrize(
    "status",
    [Registration.Status.PENDING, Registration.Status.WAITLISTED, Registration.Status.CANCELLED],
)
def test_only_confirmed_trainees_ask(course, status):
    user = RegistrationFactory(course=course, status=status).trainee
    with pytest.raises(ValidationError) as excinfo:
        services.question_ask(user=user, course=course, text="我可以提问吗？")
    assert _code(excinfo) == "not_registered"


def test_an_organiser_without_registration_does_not_ask(course, organiser):
    with pytest.raises(ValidationError) as excinfo:
        services.question_ask(user=organiser, course=course, text="测试")
    assert _code(excinfo) == "not_registered"


def test_an_empty_question_is_refused(course, trainee):
    with pytest.raises(ValidationError) as excinfo:
        services.question_ask(user=trainee, course=course, text="   ")
    assert _code(excinfo) == "empty"


def test_a_session_of_another_course_is_refused(course, trainee):
    other = SessionFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.question_ask(user=trainee, course=course, text="问题", session=other)
    assert _code(excinfo) == "invalid_session"


def test_a_speaker_of_the_course_can_be_addressed(course, trainee):
    speaker = SpeakerFactory()
    course.sessions.first().speakers.add(speaker)
    question = services.question_ask(user=trainee, course=course, text="问题", speaker=speaker)
    assert question.speaker == speaker
    with pytest.raises(ValidationError) as excinfo:
        services.question_ask(user=trainee, course=course, text="问题", speaker=SpeakerFactory())
    assert _code(excinfo) == "invalid_speaker"


# Editing


def test_the_asker_edits_until_answered(course, trainee, organiser):
    question = QuestionFactory(course=course, asker=trainee)
    services.question_edit(user=trainee, question=question, text="改过的问题", anonymous=True)
    question.refresh_from_db()
    assert (question.text, question.anonymous) == ("改过的问题", True)
    assert question.edited_at is not None
    services.question_answer(user=organiser, question=question, answer="答复")
    with pytest.raises(ValidationError) as excinfo:
        services.question_edit(user=trainee, question=question, text="再改")
    assert _code(excinfo) == "locked"


def test_only_the_asker_edits(course, trainee, other_trainee):
    question = QuestionFactory(course=course, asker=trainee)
    with pytest.raises(ValidationError) as excinfo:
        services.question_edit(user=other_trainee, question=question, text="篡改")
    assert _code(excinfo) == "not_asker"


# Votes


def test_one_vote_each(course, trainee, other_trainee):
    question = QuestionFactory(course=course, asker=trainee)
    assert services.vote_add(user=other_trainee, question=question) is True
    assert services.vote_add(user=other_trainee, question=question) is False
    assert Vote.objects.filter(question=question).count() == 1
    assert services.vote_remove(user=other_trainee, question=question) is True
    assert not Vote.objects.exists()


def test_no_vote_on_ones_own_question(course, trainee):
    question = QuestionFactory(course=course, asker=trainee)
    with pytest.raises(ValidationError) as excinfo:
        services.vote_add(user=trainee, question=question)
    assert _code(excinfo) == "own_question"


@pytest.mark.parametrize(
    "changes",
    [
        {"visible_to_trainees": False},
        {"status": Question.Status.HIDDEN},
    ],
)
def test_no_vote_on_a_question_not_shown(course, trainee, other_trainee, changes):
    question = QuestionFactory(course=course, asker=trainee, **changes)
    with pytest.raises(ValidationError) as excinfo:
        services.vote_add(user=other_trainee, question=question)
    assert _code(excinfo) == "not_visible"


def test_only_registered_trainees_vote(course, trainee):
    question = QuestionFactory(course=course, asker=trainee)
    for user in (
        UserFactory(),
        RegistrationFactory(course=course, status=Registration.Status.PENDING).trainee,
    ):
        with pytest.raises(ValidationError) as excinfo:
            services.vote_add(user=user, question=question)
        assert _code(excinfo) == "not_registered"
    assert not Vote.objects.exists()


# Triage


def test_merge_moves_votes_to_the_target(course, trainee, other_trainee, organiser):
    target = QuestionFactory(course=course, asker=trainee)
    duplicate = QuestionFactory(course=course, asker=other_trainee)
    third = RegistrationFactory(course=course).trainee
    fourth = RegistrationFactory(course=course).trainee
    VoteFactory(question=duplicate, user=third)  # moves
    VoteFactory(question=duplicate, user=fourth)  # already on the target: dropped
    VoteFactory(question=target, user=fourth)
    VoteFactory(question=duplicate, user=trainee)  # the target's asker: dropped
    older = QuestionFactory(course=course, asker=third, merged_into=duplicate)

    services.question_merge(user=organiser, duplicate=duplicate, target=target)

    duplicate.refresh_from_db()
    older.refresh_from_db()
    assert duplicate.merged_into == target
    assert older.merged_into == target
    assert set(target.votes.values_list("user_id", flat=True)) == {third.pk, fourth.pk}
    assert not duplicate.votes.exists()
    assert AuditEvent.objects.filter(action="question.merge").count() == 1
    assert duplicate not in selectors.question_list_visible(course)


def test_merge_refuses_itself_and_other_courses(course, trainee, organiser):
    question = QuestionFactory(course=course, asker=trainee)
    with pytest.raises(ValidationError) as excinfo:
        services.question_merge(user=organiser, duplicate=question, target=question)
    assert _code(excinfo) == "same_question"
    with pytest.raises(ValidationError) as excinfo:
        services.question_merge(user=organiser, duplicate=question, target=QuestionFactory())
    assert _code(excinfo) == "other_course"


def test_answer_notifies_the_asker_once(course, trainee, organiser):
    question = QuestionFactory(course=course, asker=trainee)
    services.question_answer(user=organiser, question=question, answer="按文件执行。")
    services.question_answer(user=organiser, question=question, answer="按文件执行（补充）。")
    mails = OutgoingMail.objects.filter(key=f"question:{question.pk}:answered")
    assert mails.count() == 1
    mail = mails.get()
    assert mail.recipient == trainee
    assert "按文件执行。" in mail.body_text
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED
    assert question.answered_by == organiser


def test_answered_on_the_spot_needs_no_text(course, trainee, organiser):
    question = QuestionFactory(course=course, asker=trainee)
    services.question_answer(
        user=organiser, question=question, answer="", status=Question.Status.ON_THE_SPOT
    )
    question.refresh_from_db()
    assert question.status == Question.Status.ON_THE_SPOT
    assert OutgoingMail.objects.filter(key=f"question:{question.pk}:answered").exists()


def test_a_written_answer_needs_text(course, trainee, organiser):
    question = QuestionFactory(course=course, asker=trainee)
    with pytest.raises(ValidationError) as excinfo:
        services.question_answer(user=organiser, question=question, answer=" ")
    assert _code(excinfo) == "empty_answer"
    assert not OutgoingMail.objects.exists()


def test_only_organisers_of_the_course_triage(course, trainee, other_trainee):
    question = QuestionFactory(course=course, asker=trainee)
    stranger = UserFactory(roles=["organiser"])
    for user in (trainee, other_trainee, stranger):
        with pytest.raises(ValidationError) as excinfo:
            services.question_answer(user=user, question=question, answer="我来答")
        assert _code(excinfo) == "not_organiser"
        with pytest.raises(ValidationError) as excinfo:
            services.question_set_status(user=user, question=question, status="hidden")
        assert _code(excinfo) == "not_organiser"
        with pytest.raises(ValidationError) as excinfo:
            services.question_set_visible(
                user=user, course=course, question_ids=[question.pk], visible=False
            )
        assert _code(excinfo) == "not_organiser"
    question.refresh_from_db()
    assert question.status == Question.Status.OPEN


def test_hide_and_show_in_bulk(course, trainee, organiser):
    questions = QuestionFactory.create_batch(3, course=course, asker=trainee)
    services.question_set_status(
        user=organiser, question=questions[0], status=Question.Status.HIDDEN
    )
    assert not Question.objects.get(pk=questions[0].pk).visible_to_trainees
    changed = services.question_set_visible(
        user=organiser, course=course, question_ids=[q.pk for q in questions], visible=True
    )
    assert changed == 3
    assert set(selectors.question_list_visible(course)) == set(questions)
    assert Question.objects.get(pk=questions[0].pk).status == Question.Status.OPEN


def test_assign_to_session_and_speaker(course, trainee, organiser):
    question = QuestionFactory(course=course, asker=trainee)
    session = course.sessions.first()
    speaker = SpeakerFactory()
    session.speakers.add(speaker)
    services.question_assign(
        user=organiser, question=question, session=session, speaker=speaker, topic="经费"
    )
    question.refresh_from_db()
    assert (question.session, question.speaker, question.topic) == (session, speaker, "经费")


# FAQ


def test_the_faq_is_published_only_after_the_course(course, trainee, organiser):
    question = QuestionFactory(course=course, asker=trainee)
    services.question_answer(user=organiser, question=question, answer="答复")
    with pytest.raises(ValidationError) as excinfo:
        services.faq_publish(user=organiser, course=course, grouping="session")
    assert _code(excinfo) == "course_not_finished"
    assert not Faq.objects.exists()


def test_the_faq_needs_an_answered_visible_question(organiser):
    course = make_course(organiser, days_ahead=-2)
    with pytest.raises(ValidationError) as excinfo:
        services.faq_publish(user=organiser, course=course, grouping="session")
    assert _code(excinfo) == "nothing_to_publish"


def test_faq_groups_by_session_and_by_topic(organiser):
    course = make_course(organiser, days_ahead=-2)
    first = course.sessions.get()
    second = SessionFactory(
        course=course,
        title="答疑",
        starts_at=first.starts_at + datetime.timedelta(hours=3),
        ends_at=first.starts_at + datetime.timedelta(hours=4),
    )
    asker = RegistrationFactory(course=course).trainee
    answered = {"status": Question.Status.ANSWERED, "answer": "答复"}
    a = QuestionFactory(course=course, asker=asker, session=second, topic="经费", **answered)
    b = QuestionFactory(course=course, asker=asker, session=first, topic="评价", **answered)
    c = QuestionFactory(course=course, asker=asker, **answered)
    QuestionFactory(course=course, asker=asker, session=first)  # open: not in the FAQ
    QuestionFactory(
        course=course, asker=asker, session=first, visible_to_trainees=False, **answered
    )
    QuestionFactory(course=course, asker=asker, session=first, merged_into=b, **answered)

    faq = services.faq_publish(user=organiser, course=course, grouping="session")
    assert faq.published_at is not None
    groups = selectors.faq_groups(course=course, grouping="session", general="其他")
    assert [(g.title, g.questions) for g in groups] == [
        ("政策解读", [b]),
        ("答疑", [a]),
        ("其他", [c]),
    ]
    groups = selectors.faq_groups(course=course, grouping="topic", general="其他")
    assert [(g.title, g.questions) for g in groups] == [("经费", [a]), ("评价", [b]), ("其他", [c])]


def test_course_window_falls_back_to_the_dates(organiser):
    course = make_course(organiser, days_ahead=3)
    course.sessions.all().delete()
    starts, ends = selectors.course_window(course)
    assert starts.date() == course.starts_on
    assert ends - starts == datetime.timedelta(days=1)
    assert not selectors.course_has_started(course)
    assert selectors.course_has_ended(course, timezone.now() + datetime.timedelta(days=5))
