"""Registering, cancelling, approving and rejecting; every write locks the course row first."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from courses.caching import bump_version
from courses.models import Course
from courses.selectors import course_can_edit
from courses.services.common import ensure_can_edit
from enrollment.models import ACTIVE_STATUSES, NominatingUnit, Registration
from enrollment.services.common import SeatState, lock_course, seat_state
from enrollment.services.notify import registration_messages, registration_notify
from enrollment.services.waitlist import waitlist_position, waitlist_promote
from notifications import outbox
from portal.bulk import insert_objects

_EVENTS = {"confirmed": "confirmed", "pending": "pending", "waitlisted": "waitlisted"}


def _ensure_open_for(course: Course, *, by: User | None) -> None:
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


def _already_registered() -> ValidationError:
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


def _allowance_used(allowance: int) -> ValidationError:
    return ValidationError(
        _("The nominating unit has used all of its %(allowance)s places."),
        code="allowance_used",
        params={"allowance": allowance},
    )


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
    the course requires it) if `seats` has one for their region, else the waiting list. The
    caller takes the seat."""
    if seats.has_seat(snapshot["region_id"]):
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
    _ensure_open_for(course, by=by)
    snapshot = _eligible_snapshot(course, trainee)
    # A second active registration of the same trainee is refused by the partial unique
    # index (`registration_one_active_per_trainee`) when saving below: no query for it here.
    if nominating_unit is not None and nominating_unit.seat_allowance is not None:
        used = Registration.objects.filter(
            nominating_unit=nominating_unit, status__in=ACTIVE_STATUSES
        ).count()
        if used >= nominating_unit.seat_allowance:
            raise _allowance_used(nominating_unit.seat_allowance)
    registration = _new_registration(
        course=course,
        seats=seats,
        trainee=trainee,
        snapshot=snapshot,
        by=by,
        source=source,
        nominating_unit=nominating_unit,
        now=timezone.now(),
    )
    try:
        # No savepoint: the caller's transaction ends with the refusal (`registration_create`
        # holds nothing else), so nothing runs in it after the index refuses the row.
        registration.save()
    except IntegrityError:
        raise _already_registered() from None
    if registration.holds_seat:
        seats.take(registration.region_id)
    position = waitlist_position(registration)
    registration_notify(registration, _EVENTS[registration.status], position=position)
    registration.place = position
    return registration


def _decide_many(
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
    refusals: dict[int, ValidationError] = {}
    try:
        _ensure_open_for(course, by=by)
    except ValidationError as exc:
        return [], dict.fromkeys(range(len(trainees)), exc)
    registered: set[int] = set()
    ids = [trainee.pk for trainee in trainees]
    for start in range(0, len(ids), 1000):
        registered.update(
            Registration.objects.filter(
                course=course, trainee_id__in=ids[start : start + 1000], status__in=ACTIVE_STATUSES
            ).values_list("trainee_id", flat=True)
        )
    allowance: int | None = None
    used = 0  # counted only against an allowance
    if nominating_unit is not None and nominating_unit.seat_allowance is not None:
        allowance = nominating_unit.seat_allowance
        used = Registration.objects.filter(
            nominating_unit=nominating_unit, status__in=ACTIVE_STATUSES
        ).count()
    now = timezone.now()
    registrations = []
    for index, trainee in enumerate(trainees):
        try:
            snapshot = _eligible_snapshot(course, trainee)
            if trainee.pk in registered:
                raise _already_registered()
            if allowance is not None and used >= allowance:
                raise _allowance_used(allowance)
        except ValidationError as exc:
            refusals[index] = exc
            continue
        registered.add(trainee.pk)
        used += 1
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
            seats.take(registration.region_id)
        registrations.append(registration)
    if refusals:
        return [], refusals
    waiting = [r for r in registrations if r.status == Registration.Status.WAITLISTED]
    # Everyone already waiting joined before `now`; the new ones queue behind, in order.
    ahead = (
        Registration.objects.filter(course=course, status=Registration.Status.WAITLISTED).count()
        if waiting
        else 0
    )
    for registration in registrations:
        registration.place = None
    for place, registration in enumerate(waiting, start=ahead + 1):
        registration.place = place
    return registrations, {}


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
    registrations, refusals = _decide_many(
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
        return [], {0: _already_registered()}
    messages = registration_messages(
        [
            (registration, _EVENTS[registration.status], registration.place)
            for registration in registrations
        ],
        cache={},
    )
    outbox.enqueue_many(messages)
    bump_version()  # drops the cached public pages once this commits
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


def _locked_registration(registration_id: int) -> tuple[Course, Registration]:
    course_id = Registration.objects.values_list("course_id", flat=True).get(pk=registration_id)
    course = lock_course(course_id)
    registration = Registration.objects.select_related("trainee").get(pk=registration_id)
    registration.course = course
    return course, registration


def registration_cancel(*, registration_id: int, by: User, reason: str = "") -> Registration:
    """The trainee (or an organiser) cancels, until the course starts; the seat moves on."""
    with transaction.atomic(durable=True):
        course, registration = _locked_registration(registration_id)
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


def _decide(
    *,
    course: Course,
    registration_ids: list[int],
    by: User,
    approve: bool,
    reason: str,
    skip_others: bool = False,
) -> list[Registration]:
    ensure_can_edit(course, by)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError(_("Give a reason; the trainee will see it."), code="reason_required")
    allowed = (
        (Registration.Status.PENDING,)
        if approve
        else (Registration.Status.PENDING, Registration.Status.WAITLISTED)
    )
    registrations = list(
        Registration.objects.filter(course=course, pk__in=registration_ids)
        .select_related("trainee")
        .order_by("pk")
    )
    if len(registrations) != len(set(registration_ids)):
        raise ValidationError(_("Some registrations were not found."), code="not_found")
    if skip_others:
        # "Tick all" on a mixed page: decide the ones waiting for a decision, leave the rest.
        registrations = [r for r in registrations if r.status in allowed]
        if not registrations:
            raise ValidationError(
                _("None of the ticked registrations is waiting for a decision."),
                code="not_pending",
            )
    for registration in registrations:
        if registration.status not in allowed:
            raise ValidationError(
                _("%(name)s's registration is not waiting for a decision."),
                code="not_pending",
                params={"name": registration.full_name},
            )
    now = timezone.now()
    freed = False
    for registration in registrations:
        registration.course = course
        freed = freed or registration.holds_seat
        registration.status = (
            Registration.Status.CONFIRMED if approve else Registration.Status.REJECTED
        )
        registration.decided_by = by
        registration.decided_at = now
        registration.decision_reason = reason
        registration.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        registration_notify(registration, "approved" if approve else "rejected", reason=reason)
        audit_record(
            actor=by,
            action=AuditEvent.Action.REGISTRATION_APPROVED
            if approve
            else AuditEvent.Action.REGISTRATION_REJECTED,
            target=registration,
            details={"course": course.pk, "reason": reason} if reason else {"course": course.pk},
        )
    if freed:
        waitlist_promote(course=course)
    return registrations


def registration_approve_many(
    *, course_id: int, registration_ids: list[int], by: User, skip_others: bool = False
) -> list[Registration]:
    """Approve pending registrations; they already hold their seats, so nobody is overbooked.

    With `skip_others`, ticked registrations that are not pending are left as they are.
    """
    with transaction.atomic(durable=True):
        course = lock_course(course_id)
        return _decide(
            course=course,
            registration_ids=registration_ids,
            by=by,
            approve=True,
            reason="",
            skip_others=skip_others,
        )


def registration_reject_many(
    *,
    course_id: int,
    registration_ids: list[int],
    by: User,
    reason: str,
    skip_others: bool = False,
) -> list[Registration]:
    """Reject pending or waitlisted registrations with a reason the trainees see."""
    with transaction.atomic(durable=True):
        course = lock_course(course_id)
        return _decide(
            course=course,
            registration_ids=registration_ids,
            by=by,
            approve=False,
            reason=reason,
            skip_others=skip_others,
        )


def registration_approve(*, registration_id: int, by: User) -> Registration:
    course_id = Registration.objects.values_list("course_id", flat=True).get(pk=registration_id)
    return registration_approve_many(
        course_id=course_id, registration_ids=[registration_id], by=by
    )[0]


def registration_reject(*, registration_id: int, by: User, reason: str) -> Registration:
    course_id = Registration.objects.values_list("course_id", flat=True).get(pk=registration_id)
    return registration_reject_many(
        course_id=course_id, registration_ids=[registration_id], by=by, reason=reason
    )[0]


def registration_move_to_waitlist(
    *, registration_id: int, by: User, reason: str = ""
) -> Registration:
    """An organiser's explicit step: a confirmed or pending trainee goes to the end of the list.

    The freed seat goes to whoever waits first and qualifies (never back to this trainee in
    the same step), so the waiting list keeps its order. Refused when nobody else can take
    the seat: no one ever waits beside a free seat they qualify for.
    """
    with transaction.atomic(durable=True):
        course, registration = _locked_registration(registration_id)
        ensure_can_edit(course, by)
        if not registration.holds_seat:
            raise ValidationError(
                _("Only a confirmed or pending registration can go to the waiting list."),
                code="not_holding_seat",
            )
        now = timezone.now()
        registration.status = Registration.Status.WAITLISTED
        registration.waitlisted_at = now
        registration.decided_by = by
        registration.decided_at = now
        registration.decision_reason = (reason or "").strip()
        registration.save(
            update_fields=[
                "status",
                "waitlisted_at",
                "decided_by",
                "decided_at",
                "decision_reason",
            ]
        )
        registration_notify(
            registration,
            "moved_to_waitlist",
            key_suffix=f":{int(now.timestamp())}",
            position=waitlist_position(registration),
            reason=registration.decision_reason,
        )
        waitlist_promote(course=course, exclude_ids=frozenset({registration.pk}))
        if seat_state(course).has_seat(registration.region_id):
            # Nobody else could take the seat: the trainee would wait beside an empty seat
            # they qualify for. Refused; the whole step (and its message) is rolled back.
            raise ValidationError(
                _(
                    "Nobody on the waiting list can take this seat, so the trainee keeps it. "
                    "Move a trainee back only when someone else is waiting for the seat."
                ),
                code="nobody_waiting",
            )
        return registration
