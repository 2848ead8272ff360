"""Who may register and what they get: the refusals, then a seat or the waiting list.

Nothing here saves a registration; the write paths (`registration`) save what these decide,
while they hold the course lock and its seat state.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Course
from courses.selectors import course_can_edit
from enrollment.models import ACTIVE_STATUSES, NominatingUnit, Registration
from enrollment.services.common import SeatState


def _ensure_open_for(course: Course, *, by: User | None) -> None:
    """Refuse unless the course takes registrations from `by` now."""
    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(_("This course does not take registrations."), code="not_published")
    # `by` is None for the command line, which acts with an organiser's rights.
    if by is None or course_can_edit(course=course, user=by):
        # Organisers may still add people after the online window closes, until the start.
        if course.phase != Course.Status.PUBLISHED:
            raise ValidationError(_("The course has already started."), code="course_started")
        return
    state = course.registration_state
    if state == "not_open":
        raise ValidationError(_("Registration has not opened yet."), code="not_open")
    if state != "open":
        raise ValidationError(_("Registration is closed."), code="registration_closed")


def _snapshot(trainee: User) -> dict:
    organisation = trainee.organisation
    if organisation is None or not trainee.full_name:
        raise ValidationError(
            _("Complete your profile (name, organisation and region) before registering."),
            code="profile_incomplete",
        )
    return {
        "full_name": trainee.full_name,
        "organisation_name": organisation.name,
        "organisation_type": organisation.type,
        "region_id": organisation.region_id,
        "position": trainee.position,
        "phone": trainee.phone,
    }


def already_registered() -> ValidationError:
    return ValidationError(
        _("You are already registered for this course."), code="already_registered"
    )


def _eligible_snapshot(course: Course, trainee: User) -> dict:
    """The trainee's details as registered, if their organisation type may take the course."""
    snapshot = _snapshot(trainee)
    if (
        course.eligible_organisation_types
        and snapshot["organisation_type"] not in course.eligible_organisation_types
    ):
        raise ValidationError(
            _("This course is not open to trainees from this type of organisation."),
            code="not_eligible",
        )
    return snapshot


@dataclass
class _Allowance:
    """The places a nominating unit may fill on its course, and how many it holds."""

    limit: int | None  # None: no allowance, any number
    used: int = 0  # counted only against a limit

    def ensure_place(self) -> None:
        if self.limit is not None and self.used >= self.limit:
            raise ValidationError(
                _("The nominating unit has used all of its %(allowance)s places."),
                code="allowance_used",
                params={"allowance": self.limit},
            )


def _allowance_of(nominating_unit: NominatingUnit | None) -> _Allowance:
    """The unit's allowance with its active registrations counted (no query without one)."""
    if nominating_unit is None or nominating_unit.seat_allowance is None:
        return _Allowance(limit=None)
    used = Registration.objects.filter(
        nominating_unit=nominating_unit, status__in=ACTIVE_STATUSES
    ).count()
    return _Allowance(limit=nominating_unit.seat_allowance, used=used)


def _new_registration(
    *,
    course: Course,
    seats: SeatState,
    trainee: User,
    snapshot: dict,
    by: User | None,
    source: str,
    nominating_unit: NominatingUnit | None,
    now: datetime.datetime,
) -> Registration:
    """The unsaved registration the seat rules give `trainee`: a seat (pending approval when
    the course requires it) if `seats` has one for their region and type, else the waiting list. The
    caller takes the seat."""
    if seats.has_seat((snapshot["region_id"], snapshot["organisation_type"])):
        status = (
            Registration.Status.PENDING
            if course.requires_approval
            else Registration.Status.CONFIRMED
        )
    else:
        status = Registration.Status.WAITLISTED
    return Registration(
        course=course,
        trainee=trainee,
        status=status,
        source=source,
        registered_by=by,
        nominating_unit=nominating_unit,
        waitlisted_at=now if status == Registration.Status.WAITLISTED else None,
        **snapshot,
    )


def decide_one(
    *,
    course: Course,
    seats: SeatState,
    trainee: User,
    by: User | None,
    source: str,
    nominating_unit: NominatingUnit | None,
) -> Registration:
    """The unsaved registration of one trainee, or the refusal. Takes no seat: the caller
    takes it once the row is saved."""
    _ensure_open_for(course, by=by)
    snapshot = _eligible_snapshot(course, trainee)
    _allowance_of(nominating_unit).ensure_place()
    return _new_registration(
        course=course,
        seats=seats,
        trainee=trainee,
        snapshot=snapshot,
        by=by,
        source=source,
        nominating_unit=nominating_unit,
        now=timezone.now(),
    )


def _registered_among(course: Course, trainees: list[User]) -> set[int]:
    """The ids of those of `trainees` who hold an active registration on the course."""
    registered: set[int] = set()
    ids = [trainee.pk for trainee in trainees]
    for start in range(0, len(ids), 1000):
        registered.update(
            Registration.objects.filter(
                course=course, trainee_id__in=ids[start : start + 1000], status__in=ACTIVE_STATUSES
            ).values_list("trainee_id", flat=True)
        )
    return registered


def decide_many(
    *,
    course: Course,
    seats: SeatState,
    trainees: list[User],
    by: User | None,
    source: str,
    nominating_unit: NominatingUnit | None,
) -> tuple[list[Registration], dict[int, ValidationError]]:
    """The registrations (not saved) `trainees` get under the seat rules, in order, with their
    waiting-list places; or the refusals by index into `trainees`. Takes seats from `seats`."""
    try:
        _ensure_open_for(course, by=by)
    except ValidationError as exc:
        return [], dict.fromkeys(range(len(trainees)), exc)
    registered = _registered_among(course, trainees)
    allowance = _allowance_of(nominating_unit)
    now = timezone.now()
    registrations: list[Registration] = []
    refusals: dict[int, ValidationError] = {}
    for index, trainee in enumerate(trainees):
        try:
            snapshot = _eligible_snapshot(course, trainee)
            if trainee.pk in registered:
                raise already_registered()
            allowance.ensure_place()
        except ValidationError as exc:
            refusals[index] = exc
            continue
        registered.add(trainee.pk)
        allowance.used += 1
        registration = _new_registration(
            course=course,
            seats=seats,
            trainee=trainee,
            snapshot=snapshot,
            by=by,
            source=source,
            nominating_unit=nominating_unit,
            now=now,
        )
        if registration.holds_seat:
            seats.take(registration.seat_group)
        registrations.append(registration)
    if refusals:
        return [], refusals
    _number_waiting(course, registrations)
    return registrations, {}


def _number_waiting(course: Course, registrations: list[Registration]) -> None:
    """Set each new registration's `place`: its waiting-list place, None with a seat."""
    waiting = [r for r in registrations if r.status == Registration.Status.WAITLISTED]
    # Everyone already waiting joined before the new ones; they queue behind, in order.
    ahead = (
        Registration.objects.filter(course=course, status=Registration.Status.WAITLISTED).count()
        if waiting
        else 0
    )
    for registration in registrations:
        registration.place = None
    for place, registration in enumerate(waiting, start=ahead + 1):
        registration.place = place
