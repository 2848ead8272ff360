"""Reads of questions, scoped to who is asking. Trainee-facing reads never expose the asker of
an anonymous question: use `asker_for_trainees` (or `question_public_dict`) there."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.types import AnyUser
from attendance.selectors import course_list_exportable_by
from courses.models import Course, Session, Speaker
from courses.selectors import course_can_edit, course_list_editable_by
from enrollment.selectors import course_ids_confirmed_for, is_confirmed_trainee
from questions.models import ANSWERED_STATUSES, Faq, Question, Vote

# Statuses trainees may see (when the organisers have made the question visible).
TRAINEE_STATUSES = (
    Question.Status.OPEN,
    Question.Status.ANSWERED,
    Question.Status.ON_THE_SPOT,
    Question.Status.UNDER_STUDY,
)


def _day_start(day: datetime.date, course: Course) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=course.tz)


def course_window(course: Course) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """When the course starts (its first session, else its first day) and ends (its last
    session, else the end of its last day)."""
    bounds = course.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    starts = bounds["first"] or (_day_start(course.starts_on, course) if course.starts_on else None)
    ends = bounds["last"] or (
        _day_start(course.ends_on + datetime.timedelta(days=1), course) if course.ends_on else None
    )
    return starts, ends


def course_has_started(course: Course, now: datetime.datetime | None = None) -> bool:
    starts, _ends = course_window(course)
    return starts is not None and (now or timezone.now()) >= starts


def course_has_ended(course: Course, now: datetime.datetime | None = None) -> bool:
    _starts, ends = course_window(course)
    return ends is not None and (now or timezone.now()) >= ends


def course_for_trainee(*, user: AnyUser, course_id: int) -> Course:
    """A course whose question queue `user` sees: confirmed trainees and its organisers, else
    Course.DoesNotExist."""
    if not user.is_authenticated:
        raise Course.DoesNotExist
    scope = Q(pk__in=course_ids_confirmed_for(user)) | Q(
        pk__in=course_list_editable_by(user).values("pk")
    )
    return Course.objects.exclude(status=Course.Status.DRAFT).filter(scope).get(pk=course_id)


def _with_votes(queryset: QuerySet[Question], user: AnyUser | None) -> QuerySet[Question]:
    queryset = queryset.annotate(vote_count=Count("votes", distinct=True))
    if user is not None and user.is_authenticated:
        queryset = queryset.annotate(
            voted=Exists(Vote.objects.filter(question=OuterRef("pk"), user=user))
        )
    return queryset


def question_list_visible(course: Course) -> QuerySet[Question]:
    """The questions every trainee of the course sees."""
    return Question.objects.filter(
        course=course,
        visible_to_trainees=True,
        merged_into__isnull=True,
        status__in=TRAINEE_STATUSES,
    )


def question_queue(
    *, course: Course, user: AnyUser | None, order: str = "votes"
) -> QuerySet[Question]:
    queryset = _with_votes(question_list_visible(course), user).select_related(
        "asker", "session", "speaker"
    )
    if order == "time":
        return queryset.order_by("-created_at", "-pk")
    return queryset.order_by("-vote_count", "-created_at", "-pk")


def question_list_mine(*, course: Course, user: AnyUser) -> QuerySet[Question]:
    if not isinstance(user, User):
        return Question.objects.none()
    return (
        _with_votes(Question.objects.filter(course=course, asker=user), user)
        .select_related("session", "speaker", "merged_into")
        .order_by("-created_at", "-pk")
    )


def question_for_asker(*, user: AnyUser, question_id: int) -> Question:
    if not user.is_authenticated:
        raise Question.DoesNotExist
    return Question.objects.select_related("course").get(pk=question_id, asker=user)


def question_for_voter(*, user: AnyUser, question_id: int) -> Question:
    """A visible question of a course the user is a confirmed trainee of."""
    if not user.is_authenticated:
        raise Question.DoesNotExist
    return (
        Question.objects.filter(
            visible_to_trainees=True,
            merged_into__isnull=True,
            status__in=TRAINEE_STATUSES,
            course_id__in=course_ids_confirmed_for(user),
        )
        .select_related("course")
        .get(pk=question_id)
    )


def question_for_organiser(*, user: AnyUser, question_id: int) -> Question:
    return Question.objects.select_related("course", "asker").get(
        pk=question_id, course__in=course_list_editable_by(user)
    )


@dataclass(frozen=True)
class TriageFilters:
    status: str = ""
    session_id: int | None = None
    q: str = ""


def question_list_for_triage(
    *, course: Course, filters: TriageFilters | None = None
) -> QuerySet[Question]:
    filters = filters or TriageFilters()
    queryset = (
        _with_votes(Question.objects.filter(course=course), None)
        .select_related("asker", "session", "speaker", "merged_into", "answered_by")
        .order_by(F("merged_into_id").asc(nulls_first=True), "-vote_count", "-created_at", "-pk")
    )
    if filters.status == "merged":
        queryset = queryset.filter(merged_into__isnull=False)
    elif filters.status:
        queryset = queryset.filter(status=filters.status, merged_into__isnull=True)
    if filters.session_id:
        queryset = queryset.filter(session_id=filters.session_id)
    if filters.q:
        queryset = queryset.filter(text__icontains=filters.q)
    return queryset


def question_status_counts(course: Course) -> dict[str, int]:
    rows = (
        Question.objects.filter(course=course, merged_into__isnull=True)
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = {row["status"]: row["n"] for row in rows}
    counts["merged"] = Question.objects.filter(course=course, merged_into__isnull=False).count()
    return counts


def question_public_dict(question: Question) -> dict:
    """A question as the live view and trainees see it: no asker of an anonymous question."""
    return {
        "id": question.pk,
        "text": question.text,
        "votes": getattr(question, "vote_count", 0),
        "asker": question.asker_for_trainees,
        "session": question.session.title if question.session else "",
        "speaker": question.speaker.name if question.speaker else "",
        "status": question.status,
        "status_label": str(question.get_status_display()),
    }


def question_list_live(course: Course, limit: int = 10) -> list[Question]:
    return list(
        question_queue(course=course, user=None)
        .filter(status__in=(Question.Status.OPEN, Question.Status.UNDER_STUDY))
        .order_by("-vote_count", "created_at", "pk")[:limit]
    )


def faq_for(course: Course) -> Faq | None:
    return Faq.objects.filter(course=course).first()


def faq_can_view(*, user: AnyUser, course: Course) -> bool:
    """The published FAQ is for the course's confirmed trainees and its organisers."""
    return course_can_edit(user=user, course=course) or is_confirmed_trainee(
        user=user, course=course
    )


def faq_questions(course: Course) -> QuerySet[Question]:
    return (
        Question.objects.filter(
            course=course,
            merged_into__isnull=True,
            visible_to_trainees=True,
            status__in=ANSWERED_STATUSES,
        )
        .exclude(answer="")
        .select_related("asker", "session", "speaker")
    )


@dataclass
class FaqGroup:
    title: str
    questions: list[Question] = field(default_factory=list)


def faq_groups(*, course: Course, grouping: str, general: str) -> list[FaqGroup]:
    """Answered questions grouped by session (in timetable order) or by topic (by name);
    those without a session or topic come last, under `general`."""
    questions = list(
        faq_questions(course).order_by(
            "session__starts_at", "session__order", "topic", "created_at", "pk"
        )
    )
    groups: dict[str, FaqGroup] = {}
    rest = FaqGroup(title=general)
    if grouping == Faq.Grouping.TOPIC:
        questions.sort(key=lambda q: (q.topic, q.created_at, q.pk))
    for question in questions:
        key = (
            question.session.title if grouping == Faq.Grouping.SESSION and question.session else ""
        )
        if grouping == Faq.Grouping.TOPIC:
            key = question.topic
        if not key:
            rest.questions.append(question)
            continue
        groups.setdefault(key, FaqGroup(title=key)).questions.append(question)
    result = list(groups.values())
    if rest.questions:
        result.append(rest)
    return result


def course_list_questions_exportable_by(user: AnyUser) -> QuerySet[Course]:
    return course_list_exportable_by(user)


def session_list_for_questions(course: Course) -> QuerySet[Session]:
    """The sessions a question of the course may be about, in timetable order."""
    return Session.objects.filter(course=course).order_by("starts_at", "order", "pk")


def speaker_list_for_questions(course: Course) -> QuerySet[Speaker]:
    """The speakers a question of the course may be for: those of its sessions."""
    return Speaker.objects.filter(sessions__course=course).distinct().order_by("name")


def question_list_page(*, course: Course, user: AnyUser, order: str, limit: int) -> dict:
    """What the trainees' queue shows: the visible questions (the first `limit`, by votes or
    time), the user's own, the FAQ, and whether the user may ask or triage."""
    registered = is_confirmed_trainee(user=user, course=course)
    ended = course_has_ended(course)
    return {
        "course": course,
        "order": order,
        "questions": list(question_queue(course=course, user=user, order=order)[:limit]),
        "mine": list(question_list_mine(course=course, user=user)),
        "can_ask": registered and not ended and course.status == Course.Status.PUBLISHED,
        "registered": registered,
        "ended": ended,
        "can_triage": course_can_edit(user=user, course=course),
        "faq": faq_for(course),
    }


def question_triage_page(*, course: Course, filters: TriageFilters, limit: int) -> dict:
    """What the organisers' triage shows: the first `limit` questions matching the filters,
    the counts by status, the sessions and speakers to assign, and the FAQ."""
    return {
        "course": course,
        "questions": list(question_list_for_triage(course=course, filters=filters)[:limit]),
        "sessions": list(session_list_for_questions(course)),
        "speakers": list(speaker_list_for_questions(course)),
        "counts": question_status_counts(course),
        "faq": faq_for(course),
        "ended": course_has_ended(course),
    }
