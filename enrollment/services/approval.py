"""An organiser's decisions on registrations: approval, rejection, the move to the waiting list.

Each locks the course row first, as every enrollment write does.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from courses.models import Course
from courses.services.common import ensure_can_edit
from enrollment.models import Registration
from enrollment.services.common import lock_course, lock_registration, seat_state
from enrollment.services.notify import registration_notify
from enrollment.services.waitlist import waitlist_position, waitlist_promote

# The statuses in which a registration waits for each decision.
_APPROVABLE = (Registration.Status.PENDING,)
_REJECTABLE = (Registration.Status.PENDING, Registration.Status.WAITLISTED)


def _ticked(course: Course, registration_ids: list[int]) -> list[Registration]:
    """The course's registrations with these ids, every one of them, in id order."""
    registrations = list(
        Registration.objects.filter(course=course, pk__in=registration_ids)
        .select_related("trainee")
        .order_by("pk")
    )
    if len(registrations) != len(set(registration_ids)):
        raise ValidationError(_("Some registrations were not found."), code="not_found")
    return registrations


def _awaiting_decision(
    registrations: list[Registration], *, allowed: tuple[str, ...], skip_others: bool
) -> list[Registration]:
    """The registrations to decide: refused if one is not in an `allowed` status, unless
    `skip_others` leaves those out (refused then only when none is left)."""
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
    return registrations


def _record_decision(
    registration: Registration,
    *,
    course: Course,
    by: User,
    approve: bool,
    reason: str,
    now: datetime.datetime,
) -> None:
    """Save one approval or rejection, tell the trainee and keep it in the audit trail."""
    registration.status = Registration.Status.CONFIRMED if approve else Registration.Status.REJECTED
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


def _decide(
    *,
    course: Course,
    registration_ids: list[int],
    by: User,
    approve: bool,
    reason: str,
    skip_others: bool = False,
) -> list[Registration]:
    """Approve or reject the ticked registrations of the locked `course`; the seats a
    rejection frees go to the waiting list."""
    ensure_can_edit(course, by)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError(_("Give a reason; the trainee will see it."), code="reason_required")
    registrations = _awaiting_decision(
        _ticked(course, registration_ids),
        allowed=_APPROVABLE if approve else _REJECTABLE,
        skip_others=skip_others,
    )
    now = timezone.now()
    freed = False
    for registration in registrations:
        registration.course = course
        freed = freed or registration.holds_seat
        _record_decision(
            registration, course=course, by=by, approve=approve, reason=reason, now=now
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
        course, registration = lock_registration(registration_id)
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
        if seat_state(course).has_seat(registration.seat_group):
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
