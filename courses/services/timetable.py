"""The timetable of a course: sessions, speakers, discussion groups; and its quotas."""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Region, User
from courses.models import Course, DiscussionGroup, Quota, Session, Speaker
from courses.quotas import QuotaKey, SeatGroup
from courses.services.common import (
    ensure_can_edit,
    ensure_editable,
    ensure_organiser,
    lock_course,
    seats_below_held,
)


def _check_session_order(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError(
            {
                "end_time": ValidationError(
                    _("A session must end after it starts."), code="session_order"
                )
            }
        )


def _check_within_course_days(
    course: Course, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> None:
    if not (course.starts_on and course.ends_on):
        raise ValidationError(
            _("Set the course's first and last day before building the timetable."),
            code="course_dates_missing",
        )
    first = timezone.localtime(starts_at, course.tz).date()
    last = timezone.localtime(ends_at, course.tz).date()
    if first < course.starts_on or last > course.ends_on:
        raise ValidationError(
            {
                "day": ValidationError(
                    _("The session must lie within the course's dates (%(first)s to %(last)s)."),
                    code="session_outside_course",
                    params={"first": course.starts_on, "last": course.ends_on},
                )
            }
        )


def _check_group_of_course(course: Course, discussion_group: DiscussionGroup | None) -> None:
    if discussion_group is not None and discussion_group.course_id != course.pk:
        raise ValidationError(
            {
                "discussion_group": ValidationError(
                    _("Choose one of this course's discussion groups."), code="group_other_course"
                )
            }
        )


def _check_room_free(
    *,
    course: Course,
    room: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    exclude_pk: int | None,
) -> None:
    # One room holds one session at a time. Parallel group discussions are fine as long as
    # each has its own room; an empty room means the course's main hall.
    # (The stubs refuse pk=None in the exclude below; for a new session it leaves out nothing.)
    clash = (
        Session.objects.annotate(room_key=Lower(Trim("room")))  # type: ignore[misc]
        .filter(
            course=course,
            room_key=room.strip().lower(),
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .exclude(pk=exclude_pk)
        .first()
    )
    if clash is not None:
        local = timezone.localtime(clash.starts_at, course.tz)
        raise ValidationError(
            {
                "room": ValidationError(
                    _("The room is taken at this time by “%(title)s” (%(start)s)."),
                    code="room_overlap",
                    params={"title": clash.title, "start": local.strftime("%Y-%m-%d %H:%M")},
                )
            }
        )


def _validate_session(
    *,
    course: Course,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    room: str,
    discussion_group: DiscussionGroup | None,
    exclude_pk: int | None = None,
) -> None:
    _check_session_order(starts_at, ends_at)
    _check_within_course_days(course, starts_at, ends_at)
    _check_group_of_course(course, discussion_group)
    _check_room_free(
        course=course, room=room, starts_at=starts_at, ends_at=ends_at, exclude_pk=exclude_pk
    )


class SessionExtras(TypedDict, total=False):
    order: int  # among sessions starting at the same time
    hours_override: Decimal | None  # learning hours set by an organiser; None: by the rule


@transaction.atomic
def session_create(
    *,
    course: Course,
    by: User,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    room: str = "",
    speakers: Iterable[Speaker] = (),
    discussion_group: DiscussionGroup | None = None,
    **extra: Unpack[SessionExtras],
) -> Session:
    ensure_can_edit(course, by)
    course = lock_course(course.pk)
    ensure_editable(course)
    _validate_session(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        discussion_group=discussion_group,
    )
    session = Session(
        course=course,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        room=room.strip(),
        discussion_group=discussion_group,
        order=extra.get("order", 0),
        hours_override=extra.get("hours_override"),
    )
    session.full_clean(exclude=["speakers"])
    session.save()
    session.speakers.set(speakers)
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    by: User,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    room: str = "",
    speakers: Iterable[Speaker] = (),
    discussion_group: DiscussionGroup | None = None,
    **extra: Unpack[SessionExtras],
) -> Session:
    ensure_can_edit(session.course, by)
    course = lock_course(session.course_id)
    ensure_editable(course)
    _validate_session(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        discussion_group=discussion_group,
        exclude_pk=session.pk,
    )
    session.kind = kind
    session.title = title.strip()
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.room = room.strip()
    session.discussion_group = discussion_group
    session.order = extra.get("order", 0)
    session.hours_override = extra.get("hours_override")
    session.full_clean(exclude=["speakers"])
    session.save()
    session.speakers.set(speakers)
    return session


@transaction.atomic
def session_delete(*, session: Session, by: User) -> None:
    ensure_can_edit(session.course, by)
    course = lock_course(session.course_id)
    ensure_editable(course)
    if course.status == Course.Status.PUBLISHED and course.sessions.count() <= 1:
        raise ValidationError(
            _("A published course keeps at least one session."), code="last_session"
        )
    session.delete()


# Speakers are shared by all courses: any organiser may add or correct them.


def _speaker_fields(name: str, title: str, organisation: str, bio: str) -> dict:
    name = (name or "").strip()
    if not name:
        raise ValidationError(
            {"name": ValidationError(_("Enter the speaker's name."), code="name")}
        )
    return {
        "name": name,
        "title": (title or "").strip(),
        "organisation": (organisation or "").strip(),
        "bio": (bio or "").strip(),
    }


@transaction.atomic
def speaker_create(
    *, by: User, name: str, title: str = "", organisation: str = "", bio: str = ""
) -> Speaker:
    ensure_organiser(by)
    speaker = Speaker(**_speaker_fields(name, title, organisation, bio))
    speaker.full_clean()
    speaker.save()
    return speaker


@transaction.atomic
def speaker_update(
    *, speaker: Speaker, by: User, name: str, title: str = "", organisation: str = "", bio: str = ""
) -> Speaker:
    ensure_organiser(by)
    for field, value in _speaker_fields(name, title, organisation, bio).items():
        setattr(speaker, field, value)
    speaker.full_clean()
    speaker.save()
    return speaker


@transaction.atomic
def speaker_delete(*, speaker: Speaker, by: User) -> None:
    ensure_organiser(by)
    if speaker.sessions.exists():
        raise ValidationError(
            _("This speaker appears in a timetable; remove them from its sessions first."),
            code="speaker_in_use",
        )
    speaker.delete()


def _group_fields(course: Course, name: str, exclude_pk: int | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ValidationError(_("Enter a name."), code="name")})
    # The stubs refuse pk=None; for a new group it leaves out nothing.
    if course.groups.filter(name=name).exclude(pk=exclude_pk).exists():  # type: ignore[misc]
        raise ValidationError(
            {
                "name": ValidationError(
                    _("The course already has a group of this name."), code="group_name_taken"
                )
            }
        )
    return name


@transaction.atomic
def group_create(
    *, course: Course, by: User, name: str, facilitator: str = "", room: str = ""
) -> DiscussionGroup:
    ensure_can_edit(course, by)
    course = lock_course(course.pk)
    ensure_editable(course)
    return DiscussionGroup.objects.create(
        course=course,
        name=_group_fields(course, name, None),
        facilitator=(facilitator or "").strip(),
        room=(room or "").strip(),
    )


@transaction.atomic
def group_update(
    *, group: DiscussionGroup, by: User, name: str, facilitator: str = "", room: str = ""
) -> DiscussionGroup:
    ensure_can_edit(group.course, by)
    course = lock_course(group.course_id)
    ensure_editable(course)
    group.name = _group_fields(course, name, group.pk)
    group.facilitator = (facilitator or "").strip()
    group.room = (room or "").strip()
    group.save()
    return group


@transaction.atomic
def group_delete(*, group: DiscussionGroup, by: User) -> None:
    ensure_can_edit(group.course, by)
    course = lock_course(group.course_id)
    ensure_editable(course)
    group.delete()


def quota_set_locked(
    *, course: Course, seats: Mapping[QuotaKey, int], seats_held: Mapping[SeatGroup, int]
) -> list[Quota]:
    """Replace the course's quotas, each for a region, an organisation type or both; zero or
    missing means no quota for that group.

    The caller has checked `ensure_can_edit`, holds the course lock and passes the seats
    trainees hold per region and type (`enrollment.services.quota_set`): no quota drops below
    them.
    """
    ensure_editable(course)
    wanted = _quotas_wanted(seats)
    if wanted and course.capacity is None:
        raise ValidationError(
            _("Set the course's capacity before reserving seats."),
            code="capacity_missing",
        )
    total = sum(wanted.values())
    if course.capacity is not None and total > course.capacity:
        raise ValidationError(
            _("The quotas add up to %(total)s seats, more than the capacity of %(capacity)s."),
            code="quota_exceeds_capacity",
            params={"total": total, "capacity": course.capacity},
        )
    problems = seats_below_held(held=seats_held, capacity=course.capacity, quotas=wanted)
    if problems:
        raise ValidationError(problems)
    current = {quota.key: quota for quota in course.quotas.all()}
    Quota.objects.filter(pk__in=[q.pk for key, q in current.items() if key not in wanted]).delete()
    for key, number in wanted.items():
        quota = current.get(key) or Quota(
            course=course, region_id=key.region_id, organisation_type=key.organisation_type
        )
        if quota.pk is None or quota.seats != number:
            quota.seats = number
            quota.save()
    return list(course.quotas.select_related("region"))


def _quotas_wanted(seats: Mapping[QuotaKey, int]) -> dict[QuotaKey, int]:
    """The quotas asked for, checked: known regions and types, no negative seats, zeros
    dropped."""
    wanted = {QuotaKey(*key): int(number or 0) for key, number in seats.items()}
    if any(number < 0 for number in wanted.values()):
        raise ValidationError(_("A quota cannot be negative."), code="quota_negative")
    wanted = {key: number for key, number in wanted.items() if number > 0}
    regions = {key.region_id for key in wanted if key.region_id is not None}
    if set(Region.objects.filter(pk__in=regions).values_list("pk", flat=True)) != regions:
        raise ValidationError(_("Unknown region."), code="region")
    types = {key.organisation_type for key in wanted}
    if any(key == QuotaKey() for key in wanted) or not types <= {"", *Organisation.Type.values}:
        raise ValidationError(
            _("A quota is for a region, an organisation type, or both."), code="quota_group"
        )
    return wanted
