"""Reads of registrations, scoped to who is asking."""

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Organisation, Region, User
from accounts.types import AnyUser
from courses.models import Course
from courses.quotas import QuotaKey, quota_for
from courses.trainees import IdSubquery
from enrollment.models import (
    ACTIVE_STATUSES,
    HELD_STATUSES,
    CalendarFeed,
    ImportJob,
    NominatingUnit,
    Registration,
)


def registration_list_for_user(user: AnyUser) -> QuerySet[Registration]:
    """The user's own registrations."""
    if not user.is_authenticated:
        return Registration.objects.none()
    return Registration.objects.filter(trainee=user)


def registration_active_for(*, user: AnyUser, course: Course) -> Registration | None:
    """The user's active registration for the course (with waiting-list position), if any."""
    if not user.is_authenticated:
        return None
    registration = (
        Registration.objects.filter(course=course, trainee=user, status__in=ACTIVE_STATUSES)
        .select_related("discussion_group")
        .first()
    )
    if registration is not None:
        from enrollment.services.waitlist import waitlist_position

        registration.place = waitlist_position(registration)
    return registration


def _waitlist_position_subquery() -> Subquery:
    ahead = (
        Registration.objects.filter(
            course_id=OuterRef("course_id"), status=Registration.Status.WAITLISTED
        )
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
        )
        .values("course_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(ahead[:1])


@dataclass
class MyCourses:
    upcoming: Sequence[Registration]
    past: Sequence[Registration]


def registration_list_mine(user: AnyUser) -> MyCourses:
    """The user's registrations, upcoming (soonest first) and past (latest first)."""
    today = timezone.localdate()
    registrations = list(
        registration_list_for_user(user)
        .select_related("course", "discussion_group")
        .annotate(ahead=_waitlist_position_subquery())
        .order_by("course__starts_on", "pk")
    )
    for registration in registrations:
        registration.place = (
            (registration.ahead or 0) + 1
            if registration.status == Registration.Status.WAITLISTED
            else None
        )
    upcoming = [r for r in registrations if not r.course.ends_on or r.course.ends_on >= today]
    past = [r for r in registrations if r.course.ends_on and r.course.ends_on < today]
    past.reverse()
    return MyCourses(upcoming=upcoming, past=past)


def registration_list_confirmed_for(user: AnyUser) -> QuerySet[Registration]:
    """The user's confirmed registrations: what makes someone a course's trainee (materials
    for trainees, the reading pack, questions, the survey, certificates)."""
    if not user.is_authenticated:
        return Registration.objects.none()
    return Registration.objects.filter(trainee=user, status=Registration.Status.CONFIRMED)


def is_confirmed_trainee(*, user: AnyUser, course: Course) -> bool:
    return registration_list_confirmed_for(user).filter(course=course).exists()


def course_ids_confirmed_for(user: AnyUser) -> IdSubquery:
    """Ids of the courses `user` is a confirmed trainee of, as a subquery."""
    return registration_list_confirmed_for(user).values("course_id")


@dataclass(frozen=True)
class SeatCounts:
    """A course's registrations as its pages count them."""

    taken: int = 0  # held seats: confirmed or pending approval
    pending: int = 0
    waitlisted: int = 0


def seat_counts_for(course_ids: Iterable[int]) -> dict[int, SeatCounts]:
    """Seat counts per course id, in one query; courses without registrations are left out."""
    course_ids = list(course_ids)
    if not course_ids:
        return {}
    rows = (
        Registration.objects.filter(course_id__in=course_ids)
        .values("course_id")
        .annotate(
            taken=Count("pk", filter=Q(status__in=HELD_STATUSES)),
            pending=Count("pk", filter=Q(status=Registration.Status.PENDING)),
            waitlisted=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        )
    )
    return {
        row["course_id"]: SeatCounts(
            taken=row["taken"], pending=row["pending"], waitlisted=row["waitlisted"]
        )
        for row in rows
    }


def course_seats_taken(course: Course) -> int:
    """Held seats (confirmed or pending approval)."""
    return Registration.objects.filter(course=course, status__in=HELD_STATUSES).count()


def course_seats_left(course: Course, taken: int) -> int | None:
    """Free seats, None when the course has no capacity."""
    if course.capacity is None:
        return None
    return max(0, course.capacity - taken)


def registered_users(course: Course) -> QuerySet[User]:
    """Everyone with an active registration (confirmed, pending or waitlisted)."""
    active = Registration.objects.filter(course=course, status__in=ACTIVE_STATUSES)
    return User.objects.filter(pk__in=active.values("trainee_id")).order_by("pk")


def registration_list_confirmed_of(course_id: int) -> QuerySet[Registration]:
    """A course's confirmed registrations: its trainees."""
    return Registration.objects.filter(course_id=course_id, status=Registration.Status.CONFIRMED)


def confirmed_courses_for(user: AnyUser) -> QuerySet[Course]:
    return Course.objects.filter(pk__in=course_ids_confirmed_for(user)).exclude(
        status=Course.Status.DRAFT
    )


@dataclass(frozen=True)
class RegistrationFilters:
    status: str = ""
    region_id: int | None = None
    organisation_type: str = ""
    group_id: int | None = None  # 0 = without a group
    q: str = ""


def registration_list_for_course(
    course: Course, filters: RegistrationFilters | None = None
) -> QuerySet[Registration]:
    filters = filters or RegistrationFilters()
    registrations = Registration.objects.filter(course=course).select_related(
        "trainee", "region", "discussion_group"
    )
    if filters.status:
        registrations = registrations.filter(status=filters.status)
    if filters.region_id:
        registrations = registrations.filter(region_id=filters.region_id)
    if filters.organisation_type:
        registrations = registrations.filter(organisation_type=filters.organisation_type)
    if filters.group_id == 0:
        registrations = registrations.filter(discussion_group__isnull=True)
    elif filters.group_id:
        registrations = registrations.filter(discussion_group_id=filters.group_id)
    if filters.q:
        q = filters.q.strip()
        registrations = registrations.filter(
            Q(full_name__icontains=q)
            | Q(organisation_name__icontains=q)
            | Q(phone__icontains=q)
            | Q(trainee__email__icontains=q)
        )
    return registrations.annotate(ahead=_waitlist_position_subquery()).order_by("created_at", "pk")


def registration_status_counts(course: Course) -> dict[str, int]:
    counts = dict(
        Registration.objects.filter(course=course)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Registration.Status.values}


@dataclass
class RegionRow:
    region: Region
    counts: Counter[str]
    held: int
    quota: int | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class QuotaRow:
    """One quota with the seats held against it and the trainees waiting for it."""

    label: str
    seats: int
    held: int
    waiting: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.held / self.seats)) if self.seats else 100


@dataclass
class CourseStatistics:
    by_status: dict[str, int]
    by_region: list[RegionRow]
    by_quota: list[QuotaRow]
    by_type: list[tuple[str, int, int]]  # (label, all registrations, held seats)
    per_day: list[tuple[datetime.date, int]]
    total: int = 0


def quota_statistics(course: Course) -> list[QuotaRow]:
    """Each quota of the course with the seats held against it and the trainees waiting for
    it, each registration counted against its most specific quota (`courses.quotas`)."""
    quotas = list(course.quotas.select_related("region"))
    if not quotas:
        return []
    keys = {quota.key for quota in quotas}
    held: Counter[QuotaKey | None] = Counter()
    waiting: Counter[QuotaKey | None] = Counter()
    rows = (
        Registration.objects.filter(
            course=course, status__in=[*HELD_STATUSES, Registration.Status.WAITLISTED]
        )
        .values_list("region_id", "organisation_type", "status")
        .annotate(n=Count("pk"))
    )
    for region_id, type_, status, n in rows:
        counter = waiting if status == Registration.Status.WAITLISTED else held
        counter[quota_for(keys, (region_id, type_))] += n
    return [
        QuotaRow(
            label=quota.label, seats=quota.seats, held=held[quota.key], waiting=waiting[quota.key]
        )
        for quota in quotas
    ]


def course_statistics(course: Course) -> CourseStatistics:
    """Registrations by status, region (all regions, with quota use), type and day."""
    registrations = Registration.objects.filter(course=course)
    by_status = registration_status_counts(course)
    region_counts: dict[int, Counter[str]] = {}
    for region_id, status, n in registrations.values_list("region_id", "status").annotate(
        n=Count("pk")
    ):
        region_counts.setdefault(region_id, Counter())[status] = n
    quotas = {
        quota.region_id: quota.seats
        for quota in course.quotas.all()
        if quota.region_id and not quota.organisation_type
    }
    by_region = []
    for region in Region.objects.order_by("sort_order", "code"):
        counts = region_counts.get(region.pk, Counter())
        held = sum(counts[status] for status in HELD_STATUSES)
        by_region.append(
            RegionRow(region=region, counts=counts, held=held, quota=quotas.get(region.pk))
        )
    type_rows = dict(
        (row["organisation_type"], (row["n"], row["held"]))
        for row in registrations.values("organisation_type").annotate(
            n=Count("pk"), held=Count("pk", filter=Q(status__in=HELD_STATUSES))
        )
    )
    by_type = [(label, *type_rows.get(value, (0, 0))) for value, label in Organisation.Type.choices]
    tz = course.tz
    per_day = list(
        registrations.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
        .values_list("day", "n")
    )
    if per_day and course.registration_opens_at:
        # Every day since opening, with the quiet ones at zero.
        first = min(timezone.localtime(course.registration_opens_at, tz).date(), per_day[0][0])
        last = per_day[-1][0]
        known = dict(per_day)
        per_day = [
            (
                first + datetime.timedelta(days=offset),
                known.get(first + datetime.timedelta(days=offset), 0),
            )
            for offset in range((last - first).days + 1)
        ]
    return CourseStatistics(
        by_status=by_status,
        by_region=by_region,
        by_quota=quota_statistics(course),
        by_type=by_type,
        per_day=per_day,
        total=sum(by_status.values()),
    )


def nominating_units_for_contact(user: AnyUser) -> QuerySet[NominatingUnit]:
    if not user.is_authenticated:
        return NominatingUnit.objects.none()
    return NominatingUnit.objects.filter(contact=user).select_related("course", "organisation")


def nominating_unit_for(*, user: AnyUser, course_id: int) -> NominatingUnit | None:
    """The unit `user` is the contact of for this course, if any."""
    return nominating_units_for_contact(user).filter(course_id=course_id).first()


def nominating_unit_list_for_course(course: Course) -> QuerySet[NominatingUnit]:
    """The course's nominating units with the seats each one's people hold."""
    return (
        NominatingUnit.objects.filter(course=course)
        .select_related("organisation__region", "contact")
        .annotate(used=Count("registrations", filter=Q(registrations__status__in=ACTIVE_STATUSES)))
    )


NOMINEES_SHOWN = 200


def registration_list_nominated(
    *, course: Course, unit: NominatingUnit | None
) -> QuerySet[Registration]:
    """The latest people registered on behalf: by `unit`, or (for organisers) by anyone."""
    registrations = Registration.objects.filter(course=course).select_related("region")
    if unit is not None:
        registrations = registrations.filter(nominating_unit=unit)
    else:
        registrations = registrations.exclude(source=Registration.Source.ONLINE)
    return registrations.order_by("-created_at", "-pk")[:NOMINEES_SHOWN]


def import_job_list_awaiting(*, course: Course, user: AnyUser) -> QuerySet[ImportJob]:
    """The uploads of `user` to `course` that wait for their choice on existing accounts'
    profiles, oldest first."""
    return ImportJob.objects.filter(
        course=course, uploaded_by_id=user.pk, status=ImportJob.Status.AWAITING
    ).order_by("created_at")


def calendar_feed_for(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed whose secret is `token`, of an active user; the token is the credential."""
    return (
        CalendarFeed.objects.filter(token=token, user__is_active=True)
        .select_related("user")
        .first()
    )
