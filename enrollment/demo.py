"""Demo registrations: course A with 500+ trainees from 30 regions, a full quota and a waiting
list; course B with a few dozen from ministries, four provinces and one city.

Idempotent: a course that has registrations already is left alone. Written with bulk_create
for speed, but every status is decided by the same seat rules (SeatState) as live
registrations, in first-come order, so the invariants hold.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Region, User
from courses.demo import ORGANISER_EMAIL, TITLE_A, TITLE_B
from courses.models import Course, DiscussionGroup
from enrollment.models import Registration
from enrollment.services.common import seat_state
from enrollment.services.groups import deal_round_robin

TRAINEE_EMAIL = "trainee@example.cn"
# The eager province: more people than its quota, so about fifteen wait.
EAGER_REGION = "33"
EAGER_EXTRA = 12
POOL_REGISTRATIONS = 380
COURSE_B_PROVINCES = ("13", "21", "22", "23")
COURSE_B_CITY = "沈阳市人力资源和社会保障局"


def _registration(course: Course, user: User, at: datetime.datetime, status: str) -> Registration:
    organisation = user.organisation
    return Registration(
        course=course,
        trainee=user,
        status=status,
        source=Registration.Source.ONLINE,
        registered_by=user,
        full_name=user.full_name,
        organisation_name=organisation.name,
        organisation_type=organisation.type,
        region_id=organisation.region_id,
        position=user.position,
        phone=user.phone,
        created_at=at,
        waitlisted_at=at if status == Registration.Status.WAITLISTED else None,
    )


def _eager_extra_users(rng: random.Random) -> list[User]:
    """A dozen more people from the eager province's cities (created once)."""
    from accounts.demo import _name, _phone

    region = Region.objects.get(code=EAGER_REGION)
    organisations = list(
        Organisation.objects.filter(region=region, type=Organisation.Type.CITY_BUREAU)
    ) or list(Organisation.objects.filter(region=region))
    template = User.objects.get(email=TRAINEE_EMAIL)
    users = [
        User(
            email=f"trainee-zj{number:02d}@example.cn",
            full_name=_name(rng),
            phone=_phone(rng),
            password=template.password,
            organisation=organisations[number % len(organisations)],
            position="科长",
        )
        for number in range(1, EAGER_EXTRA + 1)
    ]
    User.objects.bulk_create(users, ignore_conflicts=True)
    return list(User.objects.filter(email__startswith="trainee-zj").select_related("organisation"))


def _spread(rng: random.Random, opens: datetime.datetime, count: int) -> list[datetime.datetime]:
    """Registration times since opening, busiest on the first days."""
    now = timezone.now()
    span = max(3600.0, (now - opens).total_seconds() - 60)
    return sorted(
        opens + datetime.timedelta(seconds=span * rng.random() ** 1.8) for _ in range(count)
    )


def _seed_course_a(course: Course, organiser: User, rng: random.Random) -> int:
    people, quota_regions = _applicants_a(course, rng)
    opens = course.registration_opens_at or timezone.now() - datetime.timedelta(days=7)
    rows = _registrations_decide_a(course, people, _spread(rng, opens, len(people)))
    _approvals_add(rows, organiser)
    _cancellations_add(rows, quota_regions)
    _promote_in_memory(course, rows)
    return _registrations_save_a(course, rows)


def _applicants_a(course: Course, rng: random.Random) -> tuple[list[User], set[int]]:
    """Everyone who applies for course A, in the order they apply (the demo trainee early),
    and the regions with a quota: all their people apply, and POOL_REGISTRATIONS of the
    others."""
    demo = list(
        User.objects.filter(email__regex=r"^trainee\d{4}@example\.cn$")
        .select_related("organisation")
        .order_by("email")
    )
    demo += _eager_extra_users(rng)
    quota_regions = set(
        course.quotas.filter(region__isnull=False).values_list("region_id", flat=True)
    )
    in_quota = [u for u in demo if u.organisation.region_id in quota_regions]
    in_pool = [u for u in demo if u.organisation.region_id not in quota_regions]
    rng.shuffle(in_pool)
    people = in_quota + in_pool[:POOL_REGISTRATIONS]
    rng.shuffle(people)
    trainee = User.objects.select_related("organisation").get(email=TRAINEE_EMAIL)
    people.insert(0, trainee)  # early, so the demo trainee holds a confirmed seat
    return people, quota_regions


def _registrations_decide_a(
    course: Course, people: list[User], times: list[datetime.datetime]
) -> list[Registration]:
    """Each applicant's registration, with the status the seat rules give it in this order."""
    seats = seat_state(course)
    rows = []
    for index, (user, at) in enumerate(zip(people, times, strict=True)):
        group = (user.organisation.region_id, user.organisation.type)
        if seats.has_seat(group):
            seats.take(group)
            # The organisers have approved all but the latest registrations.
            recent = index > len(people) - 40 and user.email != TRAINEE_EMAIL
            status = Registration.Status.PENDING if recent else Registration.Status.CONFIRMED
        else:
            status = Registration.Status.WAITLISTED
        rows.append(_registration(course, user, at, status))
    return rows


def _approvals_add(rows: list[Registration], organiser: User) -> None:
    """The organiser approved each confirmed registration within a day."""
    now = timezone.now()
    for registration in rows:
        if registration.status == Registration.Status.CONFIRMED:
            registration.decided_by = organiser
            registration.decided_at = min(
                now, registration.created_at + datetime.timedelta(hours=20)
            )


def _cancellations_add(rows: list[Registration], quota_regions: set[int]) -> None:
    """A few changed their plans: their seats went to later registrations in the pool."""
    cancelled = [
        r
        for r in rows
        if r.status == Registration.Status.CONFIRMED
        and r.region_id not in quota_regions
        and r.trainee.email != TRAINEE_EMAIL
    ][:5]
    for registration in cancelled:
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = registration.created_at + datetime.timedelta(days=1)
        registration.cancel_reason = "工作安排冲突"
        registration.decided_by = None
        registration.decided_at = None


def _registrations_save_a(course: Course, rows: list[Registration]) -> int:
    """Saves the rows, deals the confirmed trainees into the course's groups and puts back the
    registration times."""
    groups = list(DiscussionGroup.objects.filter(course=course).order_by("name", "pk"))
    times = [registration.created_at for registration in rows]
    created = Registration.objects.bulk_create(rows, batch_size=500)
    if groups:
        confirmed = [r for r in created if r.status == Registration.Status.CONFIRMED]
        regions = {region.pk: region for region in Region.objects.all()}
        for registration in confirmed:
            registration.region = regions[registration.region_id]
        deal_round_robin(confirmed, groups)
        Registration.objects.bulk_update(confirmed, ["discussion_group"], batch_size=500)
    _restore_times(created, times)
    return len(created)


def _restore_times(created: list[Registration], times: list[datetime.datetime]) -> None:
    # auto_now_add set every row to now; the demo spreads them over the registration days.
    for registration, at in zip(created, times, strict=True):
        registration.created_at = at
    Registration.objects.bulk_update(created, ["created_at"], batch_size=500)


def _promote_in_memory(course: Course, rows: list[Registration]) -> None:
    """Seats freed by the cancellations go to the waiting list, as the service would do."""
    from enrollment.services.common import SeatState

    quotas = {quota.key: quota.seats for quota in course.quotas.all()}
    seats = SeatState(capacity=course.capacity, quotas=quotas)
    for registration in rows:
        if registration.status in (Registration.Status.PENDING, Registration.Status.CONFIRMED):
            seats.take(registration.seat_group)
    waiting = sorted(
        (r for r in rows if r.status == Registration.Status.WAITLISTED),
        key=lambda r: r.waitlisted_at,
    )
    for registration in waiting:
        if seats.has_seat(registration.seat_group):
            seats.take(registration.seat_group)
            registration.waitlisted_at = None
            registration.status = (
                Registration.Status.PENDING
                if course.requires_approval
                else Registration.Status.CONFIRMED
            )


def _seed_course_b(course: Course, organiser: User, rng: random.Random) -> int:
    people = list(
        User.objects.filter(email__regex=r"^trainee\d{4}@example\.cn$")
        .filter(
            organisation__type=Organisation.Type.MINISTRY,
        )
        .select_related("organisation")
    )
    people += list(
        User.objects.filter(
            email__regex=r"^trainee\d{4}@example\.cn$",
            organisation__type=Organisation.Type.PROVINCIAL_DEPARTMENT,
            organisation__region__code__in=COURSE_B_PROVINCES,
        ).select_related("organisation")[:24]
    )
    people += list(
        User.objects.filter(
            email__regex=r"^trainee\d{4}@example\.cn$",
            organisation__type__in=(Organisation.Type.CITY_BUREAU, Organisation.Type.OTHER),
        )
        .filter(organisation__region__code="21")
        .select_related("organisation")[:4]
    )
    eligible = set(course.eligible_organisation_types or Organisation.Type.values)
    people = [u for u in people if u.organisation.type in eligible]
    opens = course.registration_opens_at or timezone.now() - datetime.timedelta(days=1)
    times = _spread(rng, min(opens, timezone.now() - datetime.timedelta(hours=2)), len(people))
    seats = seat_state(course)
    rows = []
    for index, (user, at) in enumerate(zip(people, times, strict=True)):
        group = (user.organisation.region_id, user.organisation.type)
        if seats.has_seat(group):
            seats.take(group)
            status = (
                Registration.Status.CONFIRMED if index % 3 == 0 else Registration.Status.PENDING
            )
        else:
            status = Registration.Status.WAITLISTED
        registration = _registration(course, user, at, status)
        if status == Registration.Status.CONFIRMED:
            registration.decided_by = organiser
            registration.decided_at = timezone.now()
        rows.append(registration)
    times = [registration.created_at for registration in rows]
    created = Registration.objects.bulk_create(rows)
    _restore_times(created, times)
    return len(created)


def seed(*, stdout=None) -> dict[str, int]:
    organiser = User.objects.filter(email=ORGANISER_EMAIL).first()
    if organiser is None or not User.objects.filter(email=TRAINEE_EMAIL).exists():
        if stdout:
            stdout.write("enrollment: no demo accounts; run the accounts demo first")
        return {"registrations": 0}
    rng = random.Random(4)
    created = 0
    for title, build in ((TITLE_A, _seed_course_a), (TITLE_B, _seed_course_b)):
        course = Course.objects.filter(title=title).first()
        if course is None or course.registrations.exists():
            continue
        with transaction.atomic():
            course = Course.objects.select_for_update(no_key=True).get(pk=course.pk)
            created += build(course, organiser, rng)
    if stdout:
        stdout.write(f"enrollment: {created} new demo registrations")
    return {"registrations": created}
