"""Registering and cancelling: the write paths, each locking the course row first.

What a trainee gets is decided in `seat_decision`; the organisers' decisions (approval,
rejection, the move to the waiting list) are in `approval`.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Course
from courses.services.common import ensure_can_edit
from enrollment.models import NominatingUnit, Registration
from enrollment.services.common import SeatState, lock_course, lock_registration, seat_state
from enrollment.services.notify import registration_messages, registration_notify
from enrollment.services.seat_decision import already_registered, decide_many, decide_one
from enrollment.services.waitlist import waitlist_position, waitlist_promote
from enrollment.services.webhook_events import registration_events
from notifications import outbox
from portal.bulk import insert_objects

_EVENTS = {"confirmed": "confirmed", "pending": "pending", "waitlisted": "waitlisted"}


def register_locked(
    *,
    course: Course,
    seats: SeatState,
    trainee: User,
    by: User | None,
    source: str = Registration.Source.ONLINE,
    nominating_unit: NominatingUnit | None = None,
) -> Registration:
    """Register one trainee while the caller holds the course lock and its seat state
    (`registration_create`; many at once: `register_many_locked`)."""
    registration = decide_one(
        course=course,
        seats=seats,
        trainee=trainee,
        by=by,
        source=source,
        nominating_unit=nominating_unit,
    )
    # A second active registration of the same trainee is refused by the partial unique
    # index (`registration_one_active_per_trainee`) when saving: no query for it before.
    try:
        # No savepoint: the caller's transaction ends with the refusal (`registration_create`
        # holds nothing else), so nothing runs in it after the index refuses the row.
        registration.save()
    except IntegrityError:
        raise already_registered() from None
    if registration.holds_seat:
        seats.take(registration.seat_group)
    position = waitlist_position(registration)
    registration_notify(registration, _EVENTS[registration.status], position=position)
    registration.place = position
    return registration


def register_many_locked(
    *,
    course: Course,
    seats: SeatState,
    trainees: list[User],
    by: User | None,
    source: str,
    nominating_unit: NominatingUnit | None = None,
) -> tuple[list[Registration], dict[int, ValidationError]]:
    """`register_locked` for many trainees, in order, under the same rules: a handful of
    statements for the lot instead of several per trainee (the import of a long list holds
    the course lock that much shorter); their messages are rendered once per template and
    filled in for each trainee (`registration_messages`).

    Returns the registrations and the refusals by index into `trainees`. When anything is
    refused nothing is saved; the caller reports the refusals.
    """
    registrations, refusals = decide_many(
        course=course,
        seats=seats,
        trainees=trainees,
        by=by,
        source=source,
        nominating_unit=nominating_unit,
    )
    if refusals:
        return [], refusals
    try:
        with transaction.atomic():
            insert_objects(registrations)
    except IntegrityError:
        # The partial unique index: someone registered meanwhile (they cannot while the
        # course is locked, but the error stays clean).
        return [], {0: already_registered()}
    messages = registration_messages(
        [
            (registration, _EVENTS[registration.status], registration.place)
            for registration in registrations
        ],
        cache={},
    )
    outbox.enqueue_many(messages)
    registration_events(
        [(registration, _EVENTS[registration.status]) for registration in registrations]
    )
    return registrations, {}


def registration_create(
    *,
    course_id: int,
    trainee: User,
    by: User | None = None,
    source: str = Registration.Source.ONLINE,
    nominating_unit: NominatingUnit | None = None,
) -> Registration:
    """Register `trainee`: confirmed, pending approval or waitlisted, decided under the lock.

    Raises ValidationError (with a code) when the registration is not allowed, and CourseBusy
    when the course stayed locked by someone else for more than the lock timeout.
    """
    by = by or trainee
    with transaction.atomic(durable=True):
        course = lock_course(course_id)
        return register_locked(
            course=course,
            seats=seat_state(course),
            trainee=trainee,
            by=by,
            source=source,
            nominating_unit=nominating_unit,
        )


def registration_cancel(*, registration_id: int, by: User, reason: str = "") -> Registration:
    """The trainee (or an organiser) cancels, until the course starts; the seat moves on."""
    with transaction.atomic(durable=True):
        course, registration = lock_registration(registration_id)
        if registration.trainee_id != by.pk:
            ensure_can_edit(course, by)
        if not registration.is_active:
            raise ValidationError(_("This registration is no longer active."), code="not_active")
        if course.phase in ("running", "finished"):
            raise ValidationError(
                _("The course has started; registrations can no longer be cancelled."),
                code="course_started",
            )
        held = registration.holds_seat
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.cancel_reason = (reason or "").strip()[:2000]
        registration.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        registration_notify(registration, "cancelled")
        if held:
            waitlist_promote(course=course)
        return registration
