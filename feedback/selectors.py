"""Reads of surveys and their results. Results of an anonymous survey carry no names."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.types import AnyUser
from courses.models import Course, Session
from courses.selectors import course_list_editable_by
from enrollment.selectors import course_ids_confirmed_for, registration_list_confirmed_of
from feedback.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse


def survey_window(survey: Survey) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """Opens when the course's last session starts (else on its last day), closes
    `open_days` later."""
    course = survey.course
    last = course.sessions.aggregate(last=Max("starts_at"))["last"]
    if last is None and course.ends_on:
        last = datetime.datetime.combine(course.ends_on, datetime.time.min, tzinfo=course.tz)
    if last is None:
        return None, None
    return last, last + datetime.timedelta(days=survey.open_days)


def survey_state(survey: Survey, now: datetime.datetime | None = None) -> str:
    """`not_open`, `open` or `closed`."""
    now = now or timezone.now()
    opens, closes = survey_window(survey)
    if opens is None or closes is None or now < opens:
        return "not_open"
    if now >= closes:
        return "closed"
    return "open"


def survey_for_trainee(*, user: AnyUser, course_id: int) -> Survey:
    """The survey of a course the user is a confirmed trainee of, else Survey.DoesNotExist."""
    if not user.is_authenticated:
        raise Survey.DoesNotExist
    return Survey.objects.select_related("course").get(
        course_id=course_id, course_id__in=course_ids_confirmed_for(user)
    )


def survey_questions(survey: Survey) -> list[SurveyQuestion]:
    return list(survey.questions.order_by("order", "pk"))


def survey_sessions(course: Course) -> list[Session]:
    return list(
        Session.objects.filter(course=course)
        .prefetch_related("speakers")
        .order_by("starts_at", "order", "pk")
    )


def has_responded(*, user: User, survey: Survey) -> bool:
    return SurveyResponse.objects.filter(survey=survey, respondent=user).exists()


@dataclass
class Bar:
    label: str
    count: int
    percent: float  # of the largest bar, for drawing


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int = 0
    average: float | None = None
    bars: list[Bar] = field(default_factory=list)
    sessions: list[dict] = field(default_factory=list)  # per-session rating rows
    speakers: list[dict] = field(default_factory=list)  # the same, per speaker
    texts: list[tuple[str, str]] = field(default_factory=list)  # (name or "", text)


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    expected: int
    questions: list[QuestionResult]

    @property
    def rate(self) -> float | None:
        return self.responses / self.expected if self.expected else None


def _bars(counts: dict[str, int], labels: list[str]) -> list[Bar]:
    top = max(counts.values(), default=0) or 1
    return [Bar(label, counts.get(label, 0), 100 * counts.get(label, 0) / top) for label in labels]


def _speaker_rows(session_rows: list[dict]) -> list[dict]:
    """Per speaker: the average of every rating of their sessions, best first."""
    totals: dict[int, dict] = {}
    for row in session_rows:
        for speaker in row["session"].speakers.all():
            entry = totals.setdefault(
                speaker.pk, {"speaker": speaker, "sessions": 0, "sum": 0.0, "answered": 0}
            )
            entry["sessions"] += 1
            entry["sum"] += (row["average"] or 0) * row["answered"]
            entry["answered"] += row["answered"]
    rows = []
    for entry in totals.values():
        average = entry["sum"] / entry["answered"] if entry["answered"] else None
        rows.append(
            {
                "speaker": entry["speaker"],
                "sessions": entry["sessions"],
                "answered": entry["answered"],
                "average": average,
                "percent": 100 * (average or 0) / 5,
            }
        )
    rows.sort(key=lambda row: (-(row["average"] or 0), row["speaker"].name))
    return rows


@dataclass
class _Answers:
    """A survey's answers, aggregated once for all its questions."""

    anonymous: bool
    # Rating answers: how many gave each rating, and the average with how many answered, per
    # (question, session); the session is None but for session ratings.
    ratings: dict[tuple[int, int | None, int], int]
    averages: dict[tuple[int, int | None], tuple[float | None, int]]
    sessions: list[Session]
    choices: list[tuple[int, list[str] | None]]  # (question id, choices)
    texts: list[tuple[int, str, str]]  # (question id, text, respondent's name)


def _survey_answers(survey: Survey) -> _Answers:
    answers = SurveyAnswer.objects.filter(response__survey=survey)
    ratings = {
        (row["question_id"], row["session_id"], row["rating"]): row["n"]
        for row in answers.filter(rating__isnull=False)
        .values("question_id", "session_id", "rating")
        .annotate(n=Count("pk"))
    }
    averages = {
        (row["question_id"], row["session_id"]): (row["avg"], row["n"])
        for row in answers.filter(rating__isnull=False)
        .values("question_id", "session_id")
        .annotate(avg=Avg("rating"), n=Count("pk"))
    }
    sessions = survey_sessions(survey.course)
    choices = list(
        answers.filter(question__kind__in=["single", "multiple"]).values_list(
            "question_id", "choices"
        )
    )
    # Texts of an anonymous survey come without names and in no telling order (not by time).
    texts = list(
        answers.exclude(text="")
        .values_list("question_id", "text", "response__respondent__full_name")
        .order_by(*(("text", "pk") if survey.anonymous else ("response__submitted_at", "pk")))
    )
    return _Answers(
        anonymous=survey.anonymous,
        ratings=ratings,
        averages=averages,
        sessions=sessions,
        choices=choices,
        texts=texts,
    )


def _rating_result(question: SurveyQuestion, answers: _Answers) -> QuestionResult:
    result = QuestionResult(question=question)
    result.average, result.answered = answers.averages.get((question.pk, None), (None, 0))
    result.bars = _bars(
        {str(r): answers.ratings.get((question.pk, None, r), 0) for r in range(1, 6)},
        [str(n) for n in range(1, 6)],
    )
    return result


def _session_rating_result(question: SurveyQuestion, answers: _Answers) -> QuestionResult:
    result = QuestionResult(question=question)
    for session in answers.sessions:
        avg, n = answers.averages.get((question.pk, session.pk), (None, 0))
        result.sessions.append(
            {
                "session": session,
                "speakers": ", ".join(s.name for s in session.speakers.all()),
                "average": avg,
                "answered": n,
                "percent": 100 * (avg or 0) / 5,
            }
        )
    result.answered = sum(row["answered"] for row in result.sessions)
    result.speakers = _speaker_rows(result.sessions)
    return result


def _choice_result(question: SurveyQuestion, answers: _Answers) -> QuestionResult:
    result = QuestionResult(question=question)
    counts: dict[str, int] = {}
    for question_id, chosen in answers.choices:
        if question_id != question.pk:
            continue
        result.answered += 1
        for label in chosen or []:
            counts[label] = counts.get(label, 0) + 1
    result.bars = _bars(counts, question.choice_list)
    return result


def _text_result(question: SurveyQuestion, answers: _Answers) -> QuestionResult:
    result = QuestionResult(question=question)
    result.texts = [
        ("" if answers.anonymous else name, text)
        for question_id, text, name in answers.texts
        if question_id == question.pk
    ]
    result.answered = len(result.texts)
    return result


def _question_result(question: SurveyQuestion, answers: _Answers) -> QuestionResult:
    if question.kind == SurveyQuestion.Kind.RATING:
        return _rating_result(question, answers)
    if question.kind == SurveyQuestion.Kind.SESSION_RATING:
        return _session_rating_result(question, answers)
    if question.kind in (SurveyQuestion.Kind.SINGLE, SurveyQuestion.Kind.MULTIPLE):
        return _choice_result(question, answers)
    return _text_result(question, answers)


def survey_results(survey: Survey) -> SurveyResults:
    """Aggregates in SQL: averages and distributions per question and per session; free texts
    (with names only if the survey is not anonymous)."""
    expected = registration_list_confirmed_of(survey.course_id).count()
    responses = survey.responses.count()
    answers = _survey_answers(survey)
    return SurveyResults(
        survey=survey,
        responses=responses,
        expected=expected,
        questions=[_question_result(question, answers) for question in survey_questions(survey)],
    )


def course_list_with_surveys_for(user: AnyUser) -> QuerySet[Course]:
    return Course.objects.filter(
        Q(pk__in=course_list_editable_by(user).values("pk")), survey__isnull=False
    )


def survey_copy_sources(*, user: AnyUser, course: Course) -> QuerySet[Course]:
    """Other courses the user manages whose survey has questions: what they may copy from."""
    return (
        course_list_editable_by(user)
        .exclude(pk=course.pk)
        .filter(survey__questions__isnull=False)
        .distinct()
        .order_by("-starts_on", "pk")
    )


def question_answer_counts(survey: Survey) -> dict[int, int]:
    """How many answers each question of the survey has."""
    return dict(
        SurveyAnswer.objects.filter(question__survey=survey)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )


def survey_of(course: Course) -> Survey | None:
    """The course's survey, or None while its settings have never been saved."""
    return Survey.objects.filter(course=course).first()


def survey_question_of(survey: Survey, question_id: int) -> SurveyQuestion | None:
    """One question of this survey, or None when it is gone or belongs to another survey."""
    return SurveyQuestion.objects.filter(survey=survey, pk=question_id).first()


def survey_question_of_course(course: Course, question_id: int) -> SurveyQuestion | None:
    """One question of the course's survey, with its survey and course, or None."""
    return (
        SurveyQuestion.objects.select_related("survey__course")
        .filter(survey__course=course, pk=question_id)
        .first()
    )


def survey_editor(*, user: AnyUser, course: Course) -> dict:
    """What the survey editor shows: the survey (None before its settings are saved), its
    window, its questions each with `answer_count`, and the courses it may copy from."""
    survey = survey_of(course)
    opens, closes = survey_window(survey) if survey else (None, None)
    questions = survey_questions(survey) if survey else []
    counts = question_answer_counts(survey) if survey else {}
    for question in questions:
        # Read by the editor template beside each question.
        question.answer_count = counts.get(question.pk, 0)  # type: ignore[attr-defined]
    return {
        "survey": survey,
        "opens": opens,
        "closes": closes,
        "questions": questions,
        "has_responses": bool(survey and survey.responses.exists()),
        "sources": survey_copy_sources(user=user, course=course),
    }
