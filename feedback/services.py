"""Changes to surveys: the organisers define them, trainees respond once while they are
open. Every failure is a ValidationError with a `code`."""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from audit.services import audit_record
from courses.models import Course, Session
from courses.selectors import course_can_edit
from enrollment.selectors import is_confirmed_trainee, registration_list_confirmed_of
from feedback import selectors
from feedback.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from notifications.models import OutgoingMail
from notifications.outbox import enqueue

CHOICE_KINDS = (SurveyQuestion.Kind.SINGLE, SurveyQuestion.Kind.MULTIPLE)


def _check_organiser(user: User, course: Course) -> None:
    if not course_can_edit(user=user, course=course):
        raise ValidationError(_("Only the course's organisers can do this."), code="not_organiser")


def _check_no_responses(survey: Survey) -> None:
    if survey.responses.exists():
        raise ValidationError(
            _("Trainees have already responded; no more questions can be added."),
            code="has_responses",
        )


def survey_save(
    *, user: User, course: Course, intro: str, open_days: int, anonymous: bool
) -> Survey:
    _check_organiser(user, course)
    if not 1 <= open_days <= 60:
        raise ValidationError(_("Keep the survey open for 1 to 60 days."), code="invalid_days")
    with transaction.atomic():
        survey, _created = Survey.objects.select_for_update().get_or_create(course=course)
        if survey.anonymous and not anonymous and survey.responses.exists():
            raise ValidationError(
                _("Responses were given anonymously; the survey must stay anonymous."),
                code="anonymity_locked",
            )
        survey.intro = intro
        survey.open_days = open_days
        survey.anonymous = anonymous
        survey.save()
        audit_record(actor=user, action="feedback.survey_save", target=course)
    return survey


def survey_question_add(
    *, user: User, survey: Survey, kind: str, text: str, choices: str = "", required: bool = True
) -> SurveyQuestion:
    _check_organiser(user, survey.course)
    text, lines = _clean_question(kind, text, choices)
    with transaction.atomic():
        (question,) = _append_questions(
            survey,
            [SurveyQuestion(kind=kind, text=text, choices="\n".join(lines), required=required)],
        )
    return question


def _append_questions(survey: Survey, rows: list[SurveyQuestion]) -> list[SurveyQuestion]:
    """Add the (unsaved) questions after the survey's last one, inside the caller's
    transaction: the survey is locked first, and nothing is added once trainees have
    responded (ValidationError `has_responses`)."""
    survey = _lock_survey(survey)
    _check_no_responses(survey)
    last = survey.questions.aggregate(m=Max("order"))["m"] or 0
    for n, row in enumerate(rows, start=1):
        row.survey = survey
        row.order = last + n
    return SurveyQuestion.objects.bulk_create(rows)


def _lock_survey(survey: Survey) -> Survey:
    """Lock the survey row against responses being submitted (they hold a share lock on it)."""
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _clean_question(kind: str, text: str, choices: str) -> tuple[str, list[str]]:
    """A question's wording and choices as stored, or ValidationError."""
    text = (text or "").strip()
    if kind not in SurveyQuestion.Kind.values:
        raise ValidationError(_("Choose a kind of question."), code="invalid_kind")
    if not text:
        raise ValidationError(_("Write the question."), code="empty")
    return text, _clean_choices(kind, choices)


def _clean_choices(kind: str, choices: str) -> list[str]:
    lines = []
    for line in (choices or "").splitlines():
        line = line.strip()
        if line and line not in lines:
            lines.append(line)
    if kind in CHOICE_KINDS and len(lines) < 2:
        raise ValidationError(_("Give at least two choices, one per line."), code="too_few_choices")
    return lines if kind in CHOICE_KINDS else []


def survey_question_update(
    *, user: User, question: SurveyQuestion, kind: str, text: str, choices: str = "", required: bool
) -> SurveyQuestion:
    """Change a question. Once it has answers its wording, its order and whether it is
    required may still change, and choices may be added; its kind may not, nor may a choice
    somebody chose be removed or renamed (the answers would no longer fit)."""
    _check_organiser(user, question.survey.course)
    text, lines = _clean_question(kind, text, choices)
    with transaction.atomic():
        _lock_survey(question.survey)
        current = SurveyQuestion.objects.filter(pk=question.pk).first()
        if current is None:
            raise ValidationError(_("This question no longer exists."), code="not_found")
        question = current
        answers = SurveyAnswer.objects.filter(question=question)
        if answers.exists():
            if kind != question.kind:
                raise ValidationError(
                    _(
                        "This question has answers, so its kind can no longer change. "
                        "Add a new question instead."
                    ),
                    code="kind_locked",
                )
            if kind in CHOICE_KINDS:
                chosen: set[str] = set()
                for row in answers.values_list("choices", flat=True):
                    chosen.update(row or [])
                missing = sorted(chosen - set(lines))
                if missing:
                    raise ValidationError(
                        _(
                            "These choices have already been chosen and must stay as they "
                            "are: %(choices)s. You may add new choices."
                        )
                        % {"choices": "、".join(missing)},
                        code="choices_locked",
                    )
        question.kind = kind
        question.text = text
        question.choices = "\n".join(lines)
        question.required = required
        question.save(update_fields=["kind", "text", "choices", "required"])
        audit_record(
            actor=user,
            action="feedback.question_update",
            target=question.survey.course,
            details={"question": question.pk},
        )
    return question


def survey_question_move(*, user: User, question: SurveyQuestion, direction: str) -> None:
    """Move a question one place up or down; allowed whatever the answers."""
    _check_organiser(user, question.survey.course)
    if direction not in ("up", "down"):
        raise ValidationError(_("Unknown direction."), code="invalid_direction")
    with transaction.atomic():
        _lock_survey(question.survey)
        questions = list(question.survey.questions.order_by("order", "pk"))
        index = next((i for i, q in enumerate(questions) if q.pk == question.pk), None)
        if index is None:
            raise ValidationError(_("This question no longer exists."), code="not_found")
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(questions):
            questions[index], questions[other] = questions[other], questions[index]
        _renumber(questions)


def survey_questions_reorder(*, user: User, survey: Survey, order: list[int]) -> None:
    """Put the questions in the given order (ids); every question must be named once."""
    _check_organiser(user, survey.course)
    with transaction.atomic():
        _lock_survey(survey)
        questions = {q.pk: q for q in survey.questions.all()}
        if sorted(order) != sorted(questions):
            raise ValidationError(
                _("The questions have changed meanwhile; reload the page and try again."),
                code="stale_order",
            )
        _renumber([questions[pk] for pk in order])


def _renumber(questions: list[SurveyQuestion]) -> None:
    changed = []
    for n, question in enumerate(questions, start=1):
        if question.order != n:
            question.order = n
            changed.append(question)
    SurveyQuestion.objects.bulk_update(changed, ["order"])


def survey_question_delete(*, user: User, question: SurveyQuestion) -> None:
    """Delete a question nobody has answered; a question with answers stays."""
    _check_organiser(user, question.survey.course)
    with transaction.atomic():
        _lock_survey(question.survey)
        if SurveyAnswer.objects.filter(question_id=question.pk).exists():
            raise ValidationError(
                _(
                    "Trainees have answered this question, so it cannot be deleted; "
                    "you may still change its wording or make it optional."
                ),
                code="has_answers",
            )
        SurveyQuestion.objects.filter(pk=question.pk).delete()
        _renumber(list(question.survey.questions.order_by("order", "pk")))
        audit_record(
            actor=user,
            action="feedback.question_delete",
            target=question.survey.course,
            details={"question": question.pk, "text": question.text},
        )


def survey_copy(*, user: User, course: Course, source: Course) -> int:
    """Copy the questions of another course's survey that the user also manages (the
    settings too when this course has no survey yet). Questions are appended after any this
    survey already has; refused once trainees have responded. A per-session rating rates
    each session of the course it belongs to, so the copy rates this course's sessions.
    Returns the number of questions copied."""
    _check_organiser(user, course)
    if not course_can_edit(user=user, course=source):
        raise ValidationError(
            _("You can only copy the survey of a course you organise."), code="not_organiser"
        )
    if source.pk == course.pk:
        raise ValidationError(_("Choose another course."), code="same_course")
    source_survey = Survey.objects.filter(course=source).first()
    source_questions = selectors.survey_questions(source_survey) if source_survey else []
    if source_survey is None or not source_questions:
        raise ValidationError(
            _("That course's survey has no questions to copy."), code="nothing_to_copy"
        )
    with transaction.atomic():
        survey, created = Survey.objects.select_for_update().get_or_create(
            course=course,
            defaults={
                "intro": source_survey.intro,
                "open_days": source_survey.open_days,
                "anonymous": source_survey.anonymous,
            },
        )
        _append_questions(
            survey,
            [
                SurveyQuestion(
                    kind=question.kind,
                    text=question.text,
                    choices=question.choices,
                    required=question.required,
                )
                for question in source_questions
            ],
        )
        audit_record(
            actor=user,
            action="feedback.survey_copy",
            target=course,
            details={"source": source.pk, "questions": len(source_questions)},
        )
    return len(source_questions)


def survey_template_apply(*, user: User, survey: Survey) -> int:
    """Add the standard questions (the reusable template)."""
    standard = [
        (SurveyQuestion.Kind.RATING, _("Overall, how satisfied are you with the course?"), ""),
        (SurveyQuestion.Kind.SESSION_RATING, _("How useful was each session?"), ""),
        (
            SurveyQuestion.Kind.SINGLE,
            _("Was the length of the course right?"),
            "\n".join([_("Too short"), _("About right"), pgettext("survey rating", "Too long")]),
        ),
        (
            SurveyQuestion.Kind.MULTIPLE,
            _("Which topics would you like in future courses?"),
            "\n".join(
                [
                    _("Policy interpretation"),
                    _("Case studies"),
                    _("Site visits"),
                    _("Group discussion"),
                ]
            ),
        ),
        (SurveyQuestion.Kind.TEXT, _("Your suggestions for the organisers"), ""),
    ]
    _check_organiser(user, survey.course)
    rows = []
    for kind, text, choices in standard:
        text, lines = _clean_question(kind, text, choices)
        rows.append(
            SurveyQuestion(
                kind=kind,
                text=text,
                choices="\n".join(lines),
                required=kind != SurveyQuestion.Kind.TEXT,
            )
        )
    with transaction.atomic():
        _append_questions(survey, rows)
    return len(standard)


def survey_submit(
    *, user: User, survey: Survey, answers: dict, anonymous_seen: bool | None = None
) -> SurveyResponse:
    """A confirmed trainee responds once, while the survey is open.

    `answers` maps a question id to a rating (int), a list of choices, a text, or — for
    per-session ratings — a dict of session id to rating. `anonymous_seen` is whether the
    form the trainee filled in said the survey was anonymous: if the organisers changed that
    meanwhile, the response is refused rather than given under a promise no longer true."""
    if not is_confirmed_trainee(user=user, course=survey.course):
        raise ValidationError(
            _("Only confirmed trainees of this course can respond."), code="not_registered"
        )
    state = selectors.survey_state(survey)
    if state == "not_open":
        raise ValidationError(_("The survey is not open yet."), code="not_open")
    if state == "closed":
        raise ValidationError(_("The survey is closed."), code="closed")
    try:
        with transaction.atomic():
            # A share lock on the survey: responses do not wait for each other, but an
            # organiser's change to the questions waits for them (and they for it), so the
            # answers are checked against the questions as they are when they are saved.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT anonymous FROM feedback_survey WHERE id = %s FOR SHARE", [survey.pk]
                )
                (anonymous,) = cursor.fetchone()
            if anonymous_seen is not None and anonymous_seen != anonymous:
                raise ValidationError(
                    _(
                        "The organisers have changed whether responses are anonymous. "
                        "Please read the notice above the questions and submit again."
                    ),
                    code="anonymity_changed",
                )
            rows = _answer_rows(survey, answers)
            response = SurveyResponse.objects.create(survey=survey, respondent=user)
            for row in rows:
                row.response = response
            SurveyAnswer.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise ValidationError(
            _("You have already responded to this survey."), code="already_submitted"
        ) from exc
    return response


def _answer_rows(survey: Survey, answers: dict) -> list[SurveyAnswer]:
    questions = {q.pk: q for q in selectors.survey_questions(survey)}
    session_ids = set(Session.objects.filter(course=survey.course).values_list("pk", flat=True))
    rows = []
    for question in questions.values():
        value: Any = answers.get(question.pk)
        if value in (None, "", [], {}):
            if question.required:
                raise ValidationError(
                    _("Answer the question “%(q)s”.") % {"q": question.text}, code="required"
                )
            continue
        rows.extend(_question_answers(question, value, session_ids))
    return rows


def _question_answers(
    question: SurveyQuestion, value: Any, session_ids: set[int]
) -> list[SurveyAnswer]:
    """The answer rows of one answered question, checked against its kind."""
    kind = question.kind
    if kind == SurveyQuestion.Kind.RATING:
        return [SurveyAnswer(question=question, rating=_rating(value))]
    if kind == SurveyQuestion.Kind.SESSION_RATING:
        return _session_ratings(question, value, session_ids)
    if kind in CHOICE_KINDS:
        chosen = [value] if isinstance(value, str) else list(value)
        if not set(chosen) <= set(question.choice_list) or (
            kind == SurveyQuestion.Kind.SINGLE and len(chosen) != 1
        ):
            raise ValidationError(_("Choose among the given choices."), code="invalid_choice")
        return [SurveyAnswer(question=question, choices=chosen)]
    return [SurveyAnswer(question=question, text=str(value).strip()[:5000])]


def _session_ratings(
    question: SurveyQuestion, value: Any, session_ids: set[int]
) -> list[SurveyAnswer]:
    """One row per rated session of the course; sessions left unrated give none."""
    if not isinstance(value, dict):
        raise ValidationError(_("Rate each session from 1 to 5."), code="invalid_rating")
    rows = []
    for key, rating in value.items():
        try:
            session_id = int(key)
        except (TypeError, ValueError):
            session_id = None
        if session_id not in session_ids:
            raise ValidationError(_("Unknown session."), code="invalid_session")
        if rating in (None, ""):
            continue
        rows.append(SurveyAnswer(question=question, session_id=session_id, rating=_rating(rating)))
    return rows


def _rating(value: Any) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError(_("Give a rating from 1 to 5."), code="invalid_rating")
    return rating


# E-mail: the link when the survey opens, and one reminder a day before it closes (or half-way
# through a survey open for a day). Each key is sent once however often the task runs.


def _mail_context(survey: Survey) -> dict:
    return {
        "course_title": survey.course.title,
        "survey_url": settings.PORTAL_SITE_URL.rstrip("/")
        + reverse("feedback:response-create", args=[survey.course_id]),
    }


def survey_notify(*, now: datetime.datetime | None = None) -> int:
    """Queue the invitations and reminders due now; returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    surveys = (
        Survey.objects.filter(questions__isnull=False, course__status=Course.Status.PUBLISHED)
        .distinct()
        .select_related("course")
    )
    for survey in surveys:
        opens, closes = selectors.survey_window(survey)
        if opens is None or closes is None or not opens <= now < closes:
            continue
        remind_at = max(closes - datetime.timedelta(days=1), opens + (closes - opens) / 2)
        kinds = ["invite"] + (["reminder"] if now >= remind_at else [])
        waiting = (
            registration_list_confirmed_of(survey.course_id)
            .exclude(trainee__survey_responses__survey=survey)
            .select_related("trainee")
        )
        for kind in kinds:
            prefix = f"feedback:{survey.pk}:"
            sent = set(
                OutgoingMail.objects.filter(
                    key__startswith=prefix, key__endswith=f":{kind}"
                ).values_list("key", flat=True)
            )
            context = _mail_context(survey)
            for registration in waiting.iterator():
                key = f"{prefix}{registration.trainee_id}:{kind}"
                if key in sent:
                    continue
                with transaction.atomic():
                    enqueue(
                        key=key,
                        to=registration.trainee,
                        template=f"feedback/mail/{kind}",
                        context={**context, "closes": closes},
                    )
                queued += 1
    return queued
