"""Changes to surveys: the organisers define them, trainees respond once while they are
open. Every failure is a ValidationError with a `code`."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from courses.models import Course, Session
from enrollment.models import Registration
from feedback import selectors
from feedback.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from notifications.models import OutgoingMail
from notifications.outbox import enqueue

CHOICE_KINDS = (SurveyQuestion.Kind.SINGLE, SurveyQuestion.Kind.MULTIPLE)


def _check_organiser(user, course: Course) -> None:
    if not selectors.can_manage(user=user, course=course):
        raise ValidationError(_("Only the course's organisers can do this."), code="not_organiser")


def _check_no_responses(survey: Survey) -> None:
    if survey.responses.exists():
        raise ValidationError(
            _("Trainees have already responded; the questions can no longer change."),
            code="has_responses",
        )


def survey_save(*, user, course: Course, intro: str, open_days: int, anonymous: bool) -> Survey:
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
    *, user, survey: Survey, kind: str, text: str, choices: str = "", required: bool = True
) -> SurveyQuestion:
    _check_organiser(user, survey.course)
    text = (text or "").strip()
    if kind not in SurveyQuestion.Kind.values:
        raise ValidationError(_("Choose a kind of question."), code="invalid_kind")
    if not text:
        raise ValidationError(_("Write the question."), code="empty")
    lines = [line.strip() for line in (choices or "").splitlines() if line.strip()]
    if kind in CHOICE_KINDS and len(lines) < 2:
        raise ValidationError(_("Give at least two choices, one per line."), code="too_few_choices")
    with transaction.atomic():
        _check_no_responses(survey)
        last = survey.questions.aggregate(m=Max("order"))["m"] or 0
        return SurveyQuestion.objects.create(
            survey=survey,
            kind=kind,
            text=text,
            choices="\n".join(lines) if kind in CHOICE_KINDS else "",
            required=required,
            order=last + 1,
        )


def survey_question_delete(*, user, question: SurveyQuestion) -> None:
    _check_organiser(user, question.survey.course)
    with transaction.atomic():
        _check_no_responses(question.survey)
        question.delete()


def survey_template_apply(*, user, survey: Survey) -> int:
    """Add the standard questions (the reusable template)."""
    standard = [
        (SurveyQuestion.Kind.RATING, _("Overall, how satisfied are you with the course?"), ""),
        (SurveyQuestion.Kind.SESSION_RATING, _("How useful was each session?"), ""),
        (
            SurveyQuestion.Kind.SINGLE,
            _("Was the length of the course right?"),
            "\n".join([_("Too short"), _("About right"), _("Too long")]),
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
    for kind, text, choices in standard:
        survey_question_add(
            user=user,
            survey=survey,
            kind=kind,
            text=text,
            choices=choices,
            required=kind != SurveyQuestion.Kind.TEXT,
        )
    return len(standard)


def survey_submit(*, user, survey: Survey, answers: dict) -> SurveyResponse:
    """A confirmed trainee responds once, while the survey is open.

    `answers` maps a question id to a rating (int), a list of choices, a text, or — for
    per-session ratings — a dict of session id to rating."""
    if not selectors.is_registered(user=user, course=survey.course):
        raise ValidationError(
            _("Only confirmed trainees of this course can respond."), code="not_registered"
        )
    state = selectors.survey_state(survey)
    if state == "not_open":
        raise ValidationError(_("The survey is not open yet."), code="not_open")
    if state == "closed":
        raise ValidationError(_("The survey is closed."), code="closed")
    questions = {q.pk: q for q in selectors.survey_questions(survey)}
    session_ids = set(Session.objects.filter(course=survey.course).values_list("pk", flat=True))
    rows = []
    for question in questions.values():
        value = answers.get(question.pk)
        if value in (None, "", [], {}):
            if question.required:
                raise ValidationError(
                    _("Answer the question “%(q)s”.") % {"q": question.text}, code="required"
                )
            continue
        kind = question.kind
        if kind == SurveyQuestion.Kind.RATING:
            rows.append(SurveyAnswer(question=question, rating=_rating(value)))
        elif kind == SurveyQuestion.Kind.SESSION_RATING:
            for session_id, rating in dict(value).items():
                if int(session_id) not in session_ids:
                    raise ValidationError(_("Unknown session."), code="invalid_session")
                if rating in (None, ""):
                    continue
                rows.append(
                    SurveyAnswer(
                        question=question, session_id=int(session_id), rating=_rating(rating)
                    )
                )
        elif kind in CHOICE_KINDS:
            chosen = [value] if isinstance(value, str) else list(value)
            if not set(chosen) <= set(question.choice_list) or (
                kind == SurveyQuestion.Kind.SINGLE and len(chosen) != 1
            ):
                raise ValidationError(_("Choose among the given choices."), code="invalid_choice")
            rows.append(SurveyAnswer(question=question, choices=chosen))
        else:
            rows.append(SurveyAnswer(question=question, text=str(value).strip()[:5000]))
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, respondent=user)
            for row in rows:
                row.response = response
            SurveyAnswer.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise ValidationError(
            _("You have already responded to this survey."), code="already_submitted"
        ) from exc
    return response


def _rating(value) -> int:
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


def survey_notify(*, now=None) -> int:
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
        if opens is None or not opens <= now < closes:
            continue
        remind_at = max(closes - datetime.timedelta(days=1), opens + (closes - opens) / 2)
        kinds = ["invite"] + (["reminder"] if now >= remind_at else [])
        waiting = (
            Registration.objects.filter(course=survey.course, status=Registration.Status.CONFIRMED)
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
