"""Changes to questions: ask, edit, vote, and the organisers' triage. Every failure is a
ValidationError with a `code`."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from courses.models import Course, Session, Speaker
from courses.selectors import course_can_edit
from enrollment.selectors import is_confirmed_trainee
from notifications.outbox import enqueue
from questions import selectors
from questions.models import ANSWERED_STATUSES, Faq, Question, Vote

MAX_LENGTH = 2000


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write your question."), code="empty")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("Keep the question under %(n)d characters.") % {"n": MAX_LENGTH}, code="too_long"
        )
    return text


def _check_target(course: Course, session: Session | None, speaker: Speaker | None) -> None:
    if session is not None and session.course_id != course.pk:
        raise ValidationError(_("Choose a session of this course."), code="invalid_session")
    if speaker is not None and not course.sessions.filter(speakers=speaker).exists():
        raise ValidationError(_("Choose a speaker of this course."), code="invalid_speaker")


def question_ask(
    *,
    user: User,
    course: Course,
    text: str,
    session: Session | None = None,
    speaker: Speaker | None = None,
    anonymous: bool = False,
) -> Question:
    """A confirmed trainee asks, before the course or while it runs; not after it."""
    text = _clean_text(text)
    if course.status not in (Course.Status.PUBLISHED,):
        raise ValidationError(_("This course does not take questions."), code="course_closed")
    if not is_confirmed_trainee(user=user, course=course):
        raise ValidationError(
            _("Only confirmed trainees of this course can ask questions."), code="not_registered"
        )
    now = timezone.now()
    if selectors.course_has_ended(course, now):
        raise ValidationError(
            _("The course is over; it no longer takes questions."), code="course_finished"
        )
    _check_target(course, session, speaker)
    phase = (
        Question.Phase.DURING
        if selectors.course_has_started(course, now)
        else Question.Phase.BEFORE
    )
    with transaction.atomic():
        return Question.objects.create(
            course=course,
            asker=user,
            text=text,
            session=session,
            speaker=speaker,
            anonymous=anonymous,
            asked_phase=phase,
        )


def question_edit(
    *,
    user: User,
    question: Question,
    text: str,
    session: Session | None = None,
    speaker: Speaker | None = None,
    anonymous: bool | None = None,
) -> Question:
    """The asker changes their question until someone answers or triages it."""
    text = _clean_text(text)
    with transaction.atomic():
        question = Question.objects.select_for_update().select_related("course").get(pk=question.pk)
        if question.asker_id != user.pk:
            raise ValidationError(_("You can only change your own questions."), code="not_asker")
        if question.status != Question.Status.OPEN or question.merged_into_id:
            raise ValidationError(
                _("This question has been answered or handled; it can no longer be changed."),
                code="locked",
            )
        _check_target(question.course, session, speaker)
        question.text = text
        question.session = session
        question.speaker = speaker
        if anonymous is not None:
            question.anonymous = anonymous
        question.edited_at = timezone.now()
        question.save()
        return question


def vote_add(*, user: User, question: Question) -> bool:
    """One vote per trainee and question; True if it was added, False if already there.
    Concurrent votes by the same trainee are settled by the unique constraint."""
    if question.asker_id == user.pk:
        raise ValidationError(_("You cannot vote for your own question."), code="own_question")
    if not (
        question.visible_to_trainees
        and question.merged_into_id is None
        and question.status in selectors.TRAINEE_STATUSES
    ):
        raise ValidationError(_("This question is not open for votes."), code="not_visible")
    if not is_confirmed_trainee(user=user, course=question.course):
        raise ValidationError(
            _("Only confirmed trainees of this course can vote."), code="not_registered"
        )
    try:
        with transaction.atomic():
            Vote.objects.create(question=question, user=user)
    except IntegrityError:
        return False
    return True


def vote_remove(*, user: User, question: Question) -> bool:
    with transaction.atomic():
        deleted, _details = Vote.objects.filter(question=question, user=user).delete()
    return bool(deleted)


# Triage: the course's organisers only (the views reach questions through
# `selectors.question_for_organiser`; the services check again).


def _check_organiser(user: User, course: Course) -> None:
    if not course_can_edit(user=user, course=course):
        raise ValidationError(_("Only the course's organisers can do this."), code="not_organiser")


def _locked(question: Question) -> Question:
    return (
        Question.objects.select_for_update().select_related("course", "asker").get(pk=question.pk)
    )


def question_merge(*, user: User, duplicate: Question, target: Question) -> Question:
    """`duplicate` points to `target`; its votes move to the target (one per trainee, never the
    target's asker's own)."""
    _check_organiser(user, duplicate.course)
    if duplicate.pk == target.pk:
        raise ValidationError(_("A question cannot duplicate itself."), code="same_question")
    if duplicate.course_id != target.course_id:
        raise ValidationError(_("Choose a question of the same course."), code="other_course")
    with transaction.atomic():
        first, second = sorted([duplicate.pk, target.pk])
        locked = {
            q.pk: q for q in Question.objects.select_for_update().filter(pk__in=[first, second])
        }
        duplicate, target = locked[duplicate.pk], locked[target.pk]
        if target.merged_into_id:
            raise ValidationError(
                _("That question is itself a duplicate; merge into the original."),
                code="target_merged",
            )
        moving = (
            Vote.objects.filter(question=duplicate)
            .exclude(user_id__in=Vote.objects.filter(question=target).values("user_id"))
            .exclude(user_id=target.asker_id)
        )
        moved = moving.update(question=target)
        Vote.objects.filter(question=duplicate).delete()
        # Earlier duplicates of the duplicate follow it.
        Question.objects.filter(merged_into=duplicate).update(merged_into=target)
        duplicate.merged_into = target
        duplicate.save(update_fields=["merged_into"])
        if duplicate.visible_to_trainees and not target.visible_to_trainees:
            target.visible_to_trainees = True
            target.save(update_fields=["visible_to_trainees"])
        audit_record(
            actor=user,
            action="question.merge",
            target=duplicate,
            details={"into": target.pk, "votes_moved": moved},
        )
    return duplicate


def question_assign(
    *,
    user: User,
    question: Question,
    session: Session | None,
    speaker: Speaker | None,
    topic: str = "",
) -> Question:
    _check_organiser(user, question.course)
    _check_target(question.course, session, speaker)
    with transaction.atomic():
        question = _locked(question)
        question.session = session
        question.speaker = speaker
        question.topic = (topic or "").strip()[:100]
        question.save(update_fields=["session", "speaker", "topic"])
    return question


def _notify_answered(question: Question) -> None:
    enqueue(
        key=f"question:{question.pk}:answered",
        to=question.asker,
        template="questions/mail/answered",
        context={
            "question_text": question.text,
            "answer": question.answer,
            "status_label": str(question.get_status_display()),
            "course_title": question.course.title,
            "queue_url": settings.PORTAL_SITE_URL.rstrip("/")
            + reverse("questions:question-list", args=[question.course_id]),
            "on_the_spot": question.status == Question.Status.ON_THE_SPOT,
        },
    )


def question_answer(
    *, user: User, question: Question, answer: str, status: str = Question.Status.ANSWERED
) -> Question:
    """Answer in writing, or mark answered on the spot (optionally with a note). The asker is
    told once, through the outbox."""
    _check_organiser(user, question.course)
    answer = (answer or "").strip()
    if status not in ANSWERED_STATUSES:
        raise ValidationError(_("Choose how the question was answered."), code="invalid_status")
    if status == Question.Status.ANSWERED and not answer:
        raise ValidationError(_("Write the answer."), code="empty_answer")
    with transaction.atomic():
        question = _locked(question)
        if question.merged_into_id:
            raise ValidationError(
                _("Answer the original question, not its duplicate."), code="merged"
            )
        question.answer = answer
        question.status = status
        question.answered_by = user
        question.answered_at = timezone.now()
        question.save(update_fields=["answer", "status", "answered_by", "answered_at"])
        audit_record(
            actor=user, action="question.answer", target=question, details={"status": status}
        )
        _notify_answered(question)
    return question


def question_set_status(*, user: User, question: Question, status: str) -> Question:
    """Under further study, hidden, or open again."""
    _check_organiser(user, question.course)
    if status not in (Question.Status.UNDER_STUDY, Question.Status.HIDDEN, Question.Status.OPEN):
        raise ValidationError(_("Choose a valid status."), code="invalid_status")
    with transaction.atomic():
        question = _locked(question)
        question.status = status
        fields = ["status"]
        if status == Question.Status.HIDDEN:
            question.visible_to_trainees = False
            fields.append("visible_to_trainees")
        question.save(update_fields=fields)
        audit_record(
            actor=user, action="question.status", target=question, details={"status": status}
        )
    return question


def question_set_visible(
    *, user: User, course: Course, question_ids: list[int], visible: bool
) -> int:
    """Show or hide questions to the trainees, one or many at once. Showing a hidden question
    opens it again."""
    _check_organiser(user, course)
    with transaction.atomic():
        questions = Question.objects.filter(course=course, pk__in=question_ids)
        if visible:
            questions.filter(status=Question.Status.HIDDEN).update(status=Question.Status.OPEN)
        changed = questions.update(visible_to_trainees=visible)
        audit_record(
            actor=user,
            action="question.visible" if visible else "question.invisible",
            target=course,
            details={"questions": sorted(question_ids)[:500], "count": changed},
        )
    return changed


def question_hide_many(*, user: User, course: Course, question_ids: list[int]) -> int:
    """Hide several questions of the course at once, each as `question_set_status` hides one."""
    questions = list(Question.objects.filter(course=course, pk__in=question_ids))
    for question in questions:
        question_set_status(user=user, question=question, status=Question.Status.HIDDEN)
    return len(questions)


def faq_publish(*, user: User, course: Course, grouping: str) -> Faq:
    """After the course, publish its answered visible questions as its FAQ."""
    _check_organiser(user, course)
    if grouping not in Faq.Grouping.values:
        raise ValidationError(_("Choose how to group the FAQ."), code="invalid_grouping")
    if not selectors.course_has_ended(course):
        raise ValidationError(
            _("The FAQ can be published once the course is over."), code="course_not_finished"
        )
    if not selectors.faq_questions(course).exists():
        raise ValidationError(
            _("No answered question is visible to trainees yet."), code="nothing_to_publish"
        )
    with transaction.atomic():
        faq, _created = Faq.objects.select_for_update().get_or_create(course=course)
        faq.grouping = grouping
        faq.published_at = timezone.now()
        faq.published_by = user
        faq.save()
        audit_record(actor=user, action="question.faq_publish", target=course)
    return faq


def faq_unpublish(*, user: User, course: Course) -> None:
    _check_organiser(user, course)
    with transaction.atomic():
        Faq.objects.filter(course=course).update(published_at=None)
        audit_record(actor=user, action="question.faq_unpublish", target=course)
