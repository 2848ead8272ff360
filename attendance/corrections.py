"""Writes of marks that keep their history: a change to a mark already given is a correction,
recorded as an AttendanceChange in the same transaction, and needs a reason."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from attendance.models import Attendance, AttendanceChange
from attendance.selectors import roster_registrations
from courses.models import Session


def _reason_required() -> ValidationError:
    return ValidationError(
        _("Say why you are changing a mark already given."), code="reason_required"
    )


@dataclass(frozen=True)
class NewMark:
    status: str  # empty: the mark is removed
    remark: str = ""


def marks_locked(session: Session, registration_ids: set[int]) -> dict[int, Attendance]:
    """The current marks of the given trainees, after locking their registrations so that two
    corrections of one trainee's mark are recorded one after the other."""
    registrations = roster_registrations(session).filter(pk__in=registration_ids)
    found = set(registrations.select_for_update(no_key=True).values_list("pk", flat=True))
    if not registration_ids or found != registration_ids:
        raise ValidationError(
            _("Only confirmed trainees of this session can be marked."), code="not_on_roster"
        )
    marks = Attendance.objects.filter(session=session, registration_id__in=registration_ids)
    return {mark.registration_id: mark for mark in marks}


def corrections(current: dict[int, Attendance], new: dict[int, NewMark]) -> list[int]:
    """The trainees whose mark already given the change alters."""
    return [
        pk
        for pk, old in sorted(current.items())
        if pk in new and (old.status, old.remark) != (new[pk].status, new[pk].remark)
    ]


def changes_record(
    *,
    session: Session,
    current: dict[int, Attendance],
    new: dict[int, NewMark],
    method: str,
    reason: str,
    by: User,
    now: datetime.datetime,
) -> None:
    """Keep the history of every mark the change alters (not of first marks): one
    AttendanceChange per corrected mark. A correction needs a reason."""
    changes = [
        AttendanceChange(
            session=session,
            registration_id=pk,
            old_status=current[pk].status,
            old_remark=current[pk].remark,
            old_method=current[pk].method,
            old_marked_at=current[pk].marked_at,
            new_status=new[pk].status,
            new_remark=new[pk].remark,
            method=method,
            reason=reason[:200],
            changed_by=by,
            changed_at=now,
        )
        for pk in corrections(current, new)
    ]
    if changes and not reason.strip():
        raise _reason_required()
    AttendanceChange.objects.bulk_create(changes)


def changed_only(current: dict[int, Attendance], new: dict[int, NewMark]) -> dict[int, NewMark]:
    """The new marks without those equal to the mark already given (left as they are)."""
    corrected = set(corrections(current, new))
    return {pk: mark for pk, mark in new.items() if pk not in current or pk in corrected}


def marks_write(
    *, session: Session, new: dict[int, NewMark], method: str, by: User, now: datetime.datetime
) -> None:
    Attendance.objects.bulk_create(
        [
            Attendance(
                registration_id=pk,
                session=session,
                status=mark.status,
                remark=mark.remark,
                method=method,
                marked_by=by,
                marked_at=now,
            )
            for pk, mark in sorted(new.items())
        ],
        update_conflicts=True,
        unique_fields=["registration", "session"],
        update_fields=["status", "remark", "method", "marked_by", "marked_at"],
    )
