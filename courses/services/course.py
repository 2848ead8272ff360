"""A course's life: create, change, publish, cancel, archive, delete, clone; its organisers."""

import datetime
import zoneinfo
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, overload

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import user_is_organiser
from audit.models import AuditEvent
from courses.history import history_record
from courses.models import Course, DiscussionGroup, Material, Quota, Session
from courses.quotas import SeatGroup
from courses.services.common import (
    ensure_can_edit,
    ensure_editable,
    ensure_organiser,
    lock_course,
    seats_below_held,
)
from courses.services.reading_pack import pack_copy
from courses.services.webhook_events import course_event
from webhooks.models import Event

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The fields organisers fill in on the course form, in the form's order; everything else is
# set by the services. The host organisations are a many-to-many list, saved after the course.
COURSE_FIELDS = (
    "title",
    "summary",
    "description",
    "category",
    "hosts",
    "host_organisations",
    "venue",
    "city",
    "region",
    "time_zone",
    "starts_on",
    "ends_on",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "requires_approval",
    "eligible_organisation_types",
    "language",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def _apply(course: Course, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"unknown course fields: {sorted(unknown)}")
    for field, value in data.items():
        if field != "host_organisations":
            setattr(course, field, value)


# Messages per form field, as ValidationError takes them.
_FieldErrors = dict[str, list[ValidationError]]


def _add(
    errors: _FieldErrors,
    field: str,
    message: "StrOrPromise",
    code: str,
    params: dict[str, object] | None = None,
) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code, params=params))


def _check_time_zone(course: Course, errors: _FieldErrors) -> None:
    try:
        zoneinfo.ZoneInfo(course.time_zone or "")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        _add(errors, "time_zone", _("Choose a valid time zone."), "time_zone")


def _check_days_in_order(course: Course, errors: _FieldErrors) -> None:
    if course.starts_on and course.ends_on and course.ends_on < course.starts_on:
        _add(errors, "ends_on", _("The last day cannot be before the first day."), "dates_order")


def _check_registration_window(course: Course, errors: _FieldErrors) -> None:
    """Registration closes after it opens, and no later than the end of the last day."""
    opens, closes = course.registration_opens_at, course.registration_closes_at
    if opens and closes and closes <= opens:
        _add(
            errors,
            "registration_closes_at",
            _("Registration must close after it opens."),
            "registration_window",
        )
    # The last day ends in the course's own time zone: not judged while that is invalid.
    if closes and course.ends_on and not errors.get("time_zone"):
        course_end = datetime.datetime.combine(
            course.ends_on + datetime.timedelta(days=1), datetime.time(0), tzinfo=course.tz
        )
        if closes > course_end:
            _add(
                errors,
                "registration_closes_at",
                _("Registration cannot close after the course has ended."),
                "registration_after_course",
            )


def _check_capacity(
    course: Course, errors: _FieldErrors, seats_held: Mapping[SeatGroup, int] | None
) -> None:
    if course.capacity is not None and course.capacity < 1:
        _add(errors, "capacity", _("The capacity must be at least one seat."), "capacity")
    if course.pk and course.capacity is not None:
        _check_capacity_covers_seats(course, course.capacity, errors, seats_held or {})


def _check_capacity_covers_seats(
    course: Course, capacity: int, errors: _FieldErrors, held: Mapping[SeatGroup, int]
) -> None:
    """A saved course's capacity holds its quotas and every seat trainees hold, in all and per
    quota."""
    quota_sum = course.quotas.aggregate(total=Sum("seats"))["total"] or 0
    if quota_sum > capacity:
        _add(
            errors,
            "capacity",
            _("The quotas add up to %(quotas)s seats, more than the capacity."),
            "quota_exceeds_capacity",
            {"quotas": quota_sum},
        )
    taken = sum(held.values())
    if capacity < taken:
        _add(
            errors,
            "capacity",
            _("%(taken)s seats are already taken; the capacity cannot be lower."),
            "capacity_below_taken",
            {"taken": taken},
        )
    elif not errors.get("capacity"):
        quotas = {quota.key: quota.seats for quota in course.quotas.all()}
        for problem in seats_below_held(held=held, capacity=capacity, quotas=quotas):
            errors.setdefault("capacity", []).append(problem)


def _check_sessions_within_days(course: Course, errors: _FieldErrors) -> None:
    """The timetable of a saved course fits its days; checked once everything else is right."""
    if not (course.pk and course.starts_on and course.ends_on) or errors:
        return
    bounds = course.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    if bounds["first"] and (
        timezone.localtime(bounds["first"], course.tz).date() < course.starts_on
        or timezone.localtime(bounds["last"], course.tz).date() > course.ends_on
    ):
        _add(
            errors,
            "starts_on",
            _("Some sessions lie outside these dates. Move them first."),
            "sessions_outside_dates",
        )


def _validate(course: Course, seats_held: Mapping[SeatGroup, int] | None = None) -> None:
    """Check the course's fields; a saved course also against the seats trainees hold."""
    errors: _FieldErrors = {}
    _check_time_zone(course, errors)
    _check_days_in_order(course, errors)
    _check_registration_window(course, errors)
    _check_capacity(course, errors, seats_held)
    _check_sessions_within_days(course, errors)
    if errors:
        raise ValidationError(errors)
    try:
        course.full_clean(exclude=["organisers", "host_organisations", "created_by"])
    except ValidationError as exc:
        raise exc from None


@transaction.atomic
def course_create(*, by: User, data: Mapping[str, Any]) -> Course:
    """A new draft; its creator is its first organiser."""
    ensure_organiser(by)
    course = Course(status=Course.Status.DRAFT, created_by=by)
    _apply(course, data)
    _validate(course)
    course.save()
    course.organisers.add(by)
    if "host_organisations" in data:
        course.host_organisations.set(data["host_organisations"])
    return course


def course_update_locked(
    *, course: Course, data: Mapping[str, Any], seats_held: Mapping[SeatGroup, int]
) -> Course:
    """Change the course's fields. The caller has checked `ensure_can_edit`, holds the course
    lock and passes the seats trainees hold per region (`enrollment.services.course_update`),
    so capacity and quotas are never lowered below them."""
    ensure_editable(course)
    _apply(course, data)
    _validate(course, seats_held)
    course.save()
    if "host_organisations" in data:
        course.host_organisations.set(data["host_organisations"])
    return course


def course_missing_for_publication(course: Course) -> list[tuple[str, str]]:
    """What a course still lacks before it can be published, as (code, label) pairs."""
    missing = []
    if not course.title:
        missing.append(("title", str(_("a title"))))
    if not (course.starts_on and course.ends_on):
        missing.append(("dates", str(_("the first and last day"))))
    if not course.capacity:
        missing.append(("capacity", str(_("the capacity"))))
    if not (course.registration_opens_at and course.registration_closes_at):
        missing.append(("registration_window", str(_("the registration window"))))
    if not course.venue:
        missing.append(("venue", str(_("the venue"))))
    if not course.sessions.exists():
        missing.append(("sessions", str(_("at least one session in the timetable"))))
    return missing


@transaction.atomic
def course_publish(*, course: Course, by: User) -> Course:
    ensure_can_edit(course, by)
    course = lock_course(course.pk)
    if course.status != Course.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."), code="not_draft")
    missing = course_missing_for_publication(course)
    if missing:
        raise ValidationError(
            _("The course cannot be published yet. Still missing: %(missing)s."),
            code="incomplete",
            params={"missing": "; ".join(label for _code, label in missing)},
        )
    course.status = Course.Status.PUBLISHED
    course.published_at = timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    history_record(course=course, by=by, action=AuditEvent.Action.COURSE_PUBLISHED)
    course_event(course.pk, Event.COURSE_PUBLISHED)
    return course


def course_cancel_locked(*, course: Course, reason: str) -> Course:
    """Mark a published course cancelled. The caller has checked `ensure_can_edit`, holds the
    course lock and tells everyone registered (`enrollment.services.course_cancel`)."""
    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(_("Only a published course can be cancelled."), code="not_published")
    if course.phase == "finished":
        raise ValidationError(_("A finished course cannot be cancelled."), code="finished")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the cancellation."), code="reason_required")
    course.status = Course.Status.CANCELLED
    course.cancel_reason = reason
    course.cancelled_at = timezone.now()
    course.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
    return course


@transaction.atomic
def course_archive(*, course: Course, by: User) -> Course:
    ensure_can_edit(course, by)
    course = lock_course(course.pk)
    if course.status == Course.Status.PUBLISHED and course.phase != "finished":
        raise ValidationError(
            _("A published course can be archived once it has finished."), code="not_finished"
        )
    if course.status not in (Course.Status.PUBLISHED, Course.Status.CANCELLED):
        raise ValidationError(
            _("Only finished or cancelled courses can be archived."), code="not_archivable"
        )
    course.status = Course.Status.ARCHIVED
    course.save(update_fields=["status", "updated_at"])
    return course


@transaction.atomic
def course_delete(*, course: Course, by: User) -> None:
    ensure_can_edit(course, by)
    course = lock_course(course.pk)
    if course.status != Course.Status.DRAFT:
        raise ValidationError(
            _("Only drafts can be deleted; cancel or archive a published course instead."),
            code="not_draft",
        )
    files = [material.file.name for material in course.materials.all()]
    course.delete()
    storage = Material._meta.get_field("file").storage

    def remove_files() -> None:
        for name in files:
            storage.delete(name)

    transaction.on_commit(remove_files, robust=True)


@overload
def _moved(
    moment: datetime.datetime, *, shift: datetime.timedelta, tz: zoneinfo.ZoneInfo
) -> datetime.datetime: ...
@overload
def _moved(moment: None, *, shift: datetime.timedelta, tz: zoneinfo.ZoneInfo) -> None: ...
def _moved(
    moment: datetime.datetime | None, *, shift: datetime.timedelta, tz: zoneinfo.ZoneInfo
) -> datetime.datetime | None:
    # Times move by whole days in the course's own time zone, so 09:00 stays 09:00.
    if moment is None:
        return None
    local = timezone.localtime(moment, tz).replace(tzinfo=None) + shift
    return timezone.make_aware(local, tz)


def _clone_course_row(source: Course, *, by: User, title: str, shift: datetime.timedelta) -> Course:
    """The source's row saved as a new draft, its days and registration window moved."""
    clone = Course.objects.get(pk=source.pk)
    clone.pk = None
    clone.title = title
    clone.status = Course.Status.DRAFT
    clone.cancel_reason = ""
    clone.cancelled_at = None
    clone.published_at = None
    clone.created_by = by
    if clone.starts_on:
        clone.starts_on += shift
    if clone.ends_on:
        clone.ends_on += shift
    clone.registration_opens_at = _moved(clone.registration_opens_at, shift=shift, tz=source.tz)
    clone.registration_closes_at = _moved(clone.registration_closes_at, shift=shift, tz=source.tz)
    clone.save(force_insert=True)
    return clone


def _clone_quotas(source: Course, clone: Course) -> None:
    Quota.objects.bulk_create(
        Quota(
            course=clone,
            region_id=quota.region_id,
            organisation_type=quota.organisation_type,
            seats=quota.seats,
        )
        for quota in source.quotas.all()
    )


def _clone_groups(source: Course, clone: Course) -> dict[int | None, DiscussionGroup]:
    """The copies of the source's discussion groups, by the original's id."""
    groups: dict[int | None, DiscussionGroup] = {}
    for group in source.groups.all():
        groups[group.pk] = DiscussionGroup.objects.create(
            course=clone, name=group.name, facilitator=group.facilitator, room=group.room
        )
    return groups


def _clone_sessions(
    source: Course,
    clone: Course,
    *,
    groups: Mapping[int | None, DiscussionGroup],
    shift: datetime.timedelta,
) -> dict[int | None, Session]:
    """The copies of the source's sessions, moved by `shift`, by the original's id."""
    sessions: dict[int | None, Session] = {}
    for session in source.sessions.prefetch_related("speakers"):
        copy = Session.objects.create(
            course=clone,
            kind=session.kind,
            title=session.title,
            starts_at=_moved(session.starts_at, shift=shift, tz=source.tz),
            ends_at=_moved(session.ends_at, shift=shift, tz=source.tz),
            room=session.room,
            discussion_group=groups.get(session.discussion_group_id),
            order=session.order,
        )
        copy.speakers.set(session.speakers.all())
        sessions[session.pk] = copy
    return sessions


def _clone_materials(
    source: Course, clone: Course, *, sessions: Mapping[int | None, Session], by: User
) -> dict[int, Material]:
    """The copies of the source's materials, each with a copy of its file, by the original's id."""
    materials: dict[int, Material] = {}
    for material in source.materials.all():
        # Each course owns its files, so deleting one course never breaks the other.
        with material.file.open("rb") as handle:
            content = ContentFile(handle.read())
        material_copy = Material(
            course=clone,
            session=sessions.get(material.session_id),
            title=material.title,
            original_name=material.original_name,
            size=material.size,
            content_type=material.content_type,
            sha256=material.sha256,
            visibility=material.visibility,
            uploaded_by=by,
        )
        material_copy.file.save(material.original_name, content, save=False)
        material_copy.save()
        materials[material.pk] = material_copy
    return materials


@transaction.atomic
def course_clone(
    *, course: Course, by: User, title: str, starts_on: datetime.date | None = None
) -> Course:
    """A new draft with the timetable, groups, quotas, materials and reading pack, moved to
    `starts_on`."""
    ensure_can_edit(course, by)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ValidationError(_("Give the copy a title."), code="title")})
    shift = datetime.timedelta(0)
    if starts_on and course.starts_on:
        shift = starts_on - course.starts_on
    source = Course.objects.prefetch_related("host_organisations", "organisers").get(pk=course.pk)
    clone = _clone_course_row(source, by=by, title=title, shift=shift)
    clone.host_organisations.set(source.host_organisations.all())
    clone.organisers.set({*source.organisers.all(), by})
    _clone_quotas(source, clone)
    groups = _clone_groups(source, clone)
    sessions = _clone_sessions(source, clone, groups=groups, shift=shift)
    materials = _clone_materials(source, clone, sessions=sessions, by=by)
    pack_copy(source=source, target=clone, materials=materials)
    return clone


@transaction.atomic
def course_organiser_add(*, course: Course, by: User, email: str) -> User:
    """Make another organiser a co-organiser of the course, found by e-mail address."""
    ensure_can_edit(course, by)
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None or not user.is_active:
        raise ValidationError(
            _("Nobody with this e-mail address has an account."), code="user_not_found"
        )
    if not user_is_organiser(user):
        raise ValidationError(
            _("This person does not have the organiser role. Ask an administrator to grant it."),
            code="not_organiser",
        )
    if course.organisers.filter(pk=user.pk).exists():
        raise ValidationError(_("This person already organises the course."), code="already")
    course.organisers.add(user)
    return user


@transaction.atomic
def course_organiser_remove(*, course: Course, by: User, user: User) -> None:
    ensure_can_edit(course, by)
    lock_course(course.pk)
    if not course.organisers.filter(pk=user.pk).exists():
        raise ValidationError(_("This person does not organise the course."), code="not_organiser")
    if course.organisers.count() <= 1:
        raise ValidationError(_("A course needs at least one organiser."), code="last_organiser")
    course.organisers.remove(user)
