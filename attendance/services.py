"""Writes of attendance: marking from the roster, undo, imports, QR self check-in, and the
automatic absence after sessions."""

import datetime
import logging
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from attendance.corrections import (
    NewMark,
    changed_only,
    changes_record,
    corrections,
    marks_locked,
    marks_write,
)
from attendance.models import Attendance, AttendanceChange, AttendanceSettings, HoursCredit
from attendance.selectors import (
    attendance_can_take,
    attendance_settings_for,
    course_list_exportable_by,
    roster_registrations,
)
from courses.models import Course, Session
from enrollment.models import Registration

logger = logging.getLogger(__name__)

QR_SLOT_SECONDS = 30
QR_SALT = "attendance.qr-checkin"
# Trainees may check in from this long before a session starts until it ends.
CHECKIN_OPENS_BEFORE = datetime.timedelta(minutes=30)
# Sessions that ended longer ago than this are left alone by the automatic absence task.
AUTO_ABSENT_LOOKBACK = datetime.timedelta(days=14)


def _session_for(*, session_id: int, by: User) -> Session:
    session = Session.objects.select_related("course").get(pk=session_id)
    if not attendance_can_take(user=by, course=session.course):
        raise PermissionDenied
    return session


def _valid_status(status: str) -> str:
    if status not in Attendance.Status.values:
        raise ValidationError(_("Choose present, late, excused or absent."), code="invalid_status")
    return status


# How a change is recorded: (the history's method, the mark's method).
_BY_LIST = (AttendanceChange.Method.LIST, Attendance.Method.LIST)
_BY_IMPORT = (AttendanceChange.Method.IMPORT, Attendance.Method.IMPORT)


def _marks_apply(
    session: Session,
    current: dict[int, Attendance],
    new: dict[int, NewMark],
    *,
    how: tuple[str, str],
    reason: str,
    by: User,
) -> None:
    """Record the corrections among `new` in the history, then write the marks that change."""
    now = timezone.now()
    changes_record(
        session=session, current=current, new=new, method=how[0], reason=reason, by=by, now=now
    )
    marks_write(session=session, new=changed_only(current, new), method=how[1], by=by, now=now)


@transaction.atomic
def attendance_mark(
    *,
    session_id: int,
    registration_ids: list[int],
    status: str,
    by: User,
    remark: str = "",
    reason: str = "",
) -> int:
    """Set the mark of the given confirmed trainees at a session. Changing a mark already
    given is a correction: it needs a `reason` and is kept in the history (AttendanceChange).
    For a first mark the reason is optional and serves as the remark when there is none.
    Returns how many marks were written."""
    session = _session_for(session_id=session_id, by=by)
    _valid_status(status)
    ids = set(registration_ids)
    current = marks_locked(session, ids)
    new = {
        pk: NewMark(status, (remark or ("" if pk in current else reason)).strip()[:200])
        for pk in ids
    }
    _marks_apply(session, current, new, how=_BY_LIST, reason=reason, by=by)
    return len(ids)


@transaction.atomic
def attendance_mark_all(
    *,
    session_id: int,
    by: User,
    status: str = Attendance.Status.PRESENT,
    group_id: int | None = None,
) -> int:
    """Mark every trainee of the roster (or of one group) who has no mark yet; marks already
    given are kept. Returns how many were marked."""
    session = _session_for(session_id=session_id, by=by)
    _valid_status(status)
    unmarked = roster_registrations(session).exclude(attendances__session=session)
    if group_id:
        unmarked = unmarked.filter(discussion_group_id=group_id)
    now = timezone.now()
    created = Attendance.objects.bulk_create(
        [
            Attendance(
                registration_id=pk,
                session=session,
                status=status,
                method=Attendance.Method.LIST,
                marked_by=by,
                marked_at=now,
            )
            for pk in unmarked.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    return len(created)


@transaction.atomic
def attendance_undo(*, session_id: int, registration_id: int, by: User, reason: str = "") -> bool:
    """Back to unmarked, keeping the removed mark in the history; this needs a reason.
    Returns whether there was a mark to remove."""
    session = _session_for(session_id=session_id, by=by)
    current = marks_locked(session, {registration_id})
    if not current:
        return False
    changes_record(
        session=session,
        current=current,
        new={registration_id: NewMark("")},
        method=AttendanceChange.Method.UNDO,
        reason=reason,
        by=by,
        now=timezone.now(),
    )
    current[registration_id].delete()
    return True


@transaction.atomic
def attendance_settings_update(
    *,
    course_id: int,
    auto_absent: bool,
    late_after_minutes: int,
    by: User,
    late_hours: str = HoursCredit.FULL,
    excused_hours: str = HoursCredit.NONE,
) -> AttendanceSettings:
    course = Course.objects.get(pk=course_id)
    if not course_list_exportable_by(by).filter(pk=course.pk).exists():
        raise PermissionDenied
    settings, _created = AttendanceSettings.objects.update_or_create(
        course=course,
        defaults={
            "auto_absent": auto_absent,
            "late_after_minutes": late_after_minutes,
            "late_hours": HoursCredit(late_hours),
            "excused_hours": HoursCredit(excused_hours),
        },
    )
    return settings


# -- QR self check-in ------------------------------------------------------------------------


def _slot(now: datetime.datetime) -> int:
    return int(now.timestamp()) // QR_SLOT_SECONDS


def qr_token_make(*, session_id: int, now: datetime.datetime | None = None) -> str:
    """The signed code shown on the QR page: the session and the current 30-second slot."""
    now = now or timezone.now()
    return signing.TimestampSigner(salt=QR_SALT).sign(f"{session_id}-{_slot(now)}")


def qr_seconds_left(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return QR_SLOT_SECONDS - int(now.timestamp()) % QR_SLOT_SECONDS


@dataclass(frozen=True)
class QrCode:
    session_id: int
    fresh: bool  # from the current or the previous slot


def _invalid_code() -> ValidationError:
    return ValidationError(
        _("This check-in code is not valid. Scan the code on the screen again."),
        code="invalid_code",
    )


def qr_token_read(token: str, *, now: datetime.datetime | None = None) -> QrCode:
    """The session of a genuine code, and whether it is still fresh; invalid_code otherwise."""
    now = now or timezone.now()
    try:
        value = signing.TimestampSigner(salt=QR_SALT).unsign(token)
        session_part, slot_part = value.split("-")
        session_id, slot = int(session_part), int(slot_part)
    except (signing.BadSignature, ValueError):
        raise _invalid_code() from None
    return QrCode(session_id=session_id, fresh=_slot(now) - slot in (0, 1))


@dataclass(frozen=True)
class CheckinResult:
    attendance: Attendance
    created: bool


def _checkin_session(code: QrCode, *, seen_fresh: bool) -> Session:
    """The session of a code still fresh (or seen fresh by the view)."""
    if not code.fresh and not seen_fresh:
        raise ValidationError(
            _("This check-in code has expired. Scan the code on the screen again."),
            code="expired_code",
        )
    session = Session.objects.select_related("course").filter(pk=code.session_id).first()
    if session is None:
        raise _invalid_code()
    return session


def _checkin_registration(session: Session, user: User) -> Registration:
    """The user's confirmed registration for the session's course."""
    registrations = Registration.objects.filter(course_id=session.course_id, trainee=user)
    registration = registrations.filter(status=Registration.Status.CONFIRMED).first()
    if registration is None:
        if registrations.filter(
            status__in=(Registration.Status.PENDING, Registration.Status.WAITLISTED)
        ).exists():
            raise ValidationError(
                _("Your registration for this course is not confirmed, so you cannot check in."),
                code="not_confirmed",
            )
        raise ValidationError(
            _("You are not registered for this course, so you cannot check in."),
            code="not_registered",
        )
    return registration


def _check_own_group(session: Session, registration: Registration) -> None:
    if session.discussion_group_id and (
        registration.discussion_group_id != session.discussion_group_id
    ):
        raise ValidationError(
            _(
                "This session is for another discussion group. Check in at your own group's session."
            ),
            code="wrong_session",
        )


def _check_checkin_window(session: Session, now: datetime.datetime) -> None:
    if now < session.starts_at - CHECKIN_OPENS_BEFORE:
        raise ValidationError(
            _("Check-in for this session opens 30 minutes before it starts."),
            code="outside_window",
        )
    if now > session.ends_at:
        raise ValidationError(
            _("This session has ended; check-in is closed. Ask the organisers if you attended."),
            code="outside_window",
        )


def _arrival_status(session: Session, now: datetime.datetime) -> str:
    """Late after the course's grace period, else present."""
    grace = datetime.timedelta(minutes=attendance_settings_for(session.course).late_after_minutes)
    if now > session.starts_at + grace:
        return Attendance.Status.LATE
    return Attendance.Status.PRESENT


@transaction.atomic
def qr_checkin(
    *,
    token: str,
    user: User,
    now: datetime.datetime | None = None,
    seen_fresh: bool = False,
) -> CheckinResult:
    """Record the user's own attendance from a scanned code, once.

    `seen_fresh`: the view saw this very code while it was fresh moments ago (before the trainee
    logged in), so a login that outlasts the code's 60 seconds does not turn it away.
    """
    now = now or timezone.now()
    session = _checkin_session(qr_token_read(token, now=now), seen_fresh=seen_fresh)
    registration = _checkin_registration(session, user)
    _check_own_group(session, registration)
    _check_checkin_window(session, now)
    with transaction.atomic():
        # The same lock as staff marks take: a mark given by staff at this very moment is
        # either seen here (and kept) or sees this check-in (and is then a correction).
        # ("Mark all" inserts without that lock, so the insert still yields to its row.)
        Registration.objects.select_for_update(no_key=True).filter(pk=registration.pk).exists()
        attendance, created = Attendance.objects.get_or_create(
            registration=registration,
            session=session,
            defaults={
                "status": _arrival_status(session, now),
                "method": Attendance.Method.QR,
                "marked_by": user,
                "marked_at": now,
            },
        )
    return CheckinResult(attendance=attendance, created=created)


# -- Automatic absence -----------------------------------------------------------------------


def attendance_mark_absent(*, now: datetime.datetime | None = None) -> int:
    """Trainees without a mark at a session that has ended become absent, unless the course
    turned this off. Safe to run again and again: existing marks are never touched."""
    now = now or timezone.now()
    sessions = (
        Session.objects.filter(
            ends_at__lte=now,
            ends_at__gt=now - AUTO_ABSENT_LOOKBACK,
            course__status__in=(Course.Status.PUBLISHED, Course.Status.ARCHIVED),
        )
        .exclude(course__attendance_settings__auto_absent=False)
        .select_related("course")
    )
    written = 0
    for session in sessions.iterator():
        with transaction.atomic():
            missing = roster_registrations(session).exclude(attendances__session=session)
            created = Attendance.objects.bulk_create(
                [
                    Attendance(
                        registration_id=pk,
                        session=session,
                        status=Attendance.Status.ABSENT,
                        method=Attendance.Method.AUTOMATIC,
                        marked_at=now,
                    )
                    for pk in missing.values_list("pk", flat=True)
                ],
                ignore_conflicts=True,
            )
            written += len(created)
    if written:
        logger.info("marked %s absences automatically", written)
    return written


def _import_marks(session: Session, rows: list) -> dict[int, NewMark]:
    """The marks a sheet gives, by registration; every row error at once otherwise."""
    roster = list(roster_registrations(session).values_list("pk", "phone", "trainee__email"))
    by_phone = {phone: pk for pk, phone, _email in roster if phone}
    by_email = {email.lower(): pk for pk, _phone, email in roster if email}
    errors: list[str] = []
    seen: dict[int, int] = {}  # registration id: first row naming it
    marks: dict[int, NewMark] = {}
    for row in rows:
        pk = by_phone.get(row.phone) if row.phone else by_email.get(row.email)
        if pk is None:
            errors.append(
                _("Row %(row)s: no confirmed trainee of this session has %(who)s.")
                % {"row": row.row, "who": row.phone or row.email}
            )
            continue
        if pk in seen:
            errors.append(
                _("Row %(row)s: the same trainee as row %(first)s.")
                % {"row": row.row, "first": seen[pk]}
            )
            continue
        seen[pk] = row.row
        marks[pk] = NewMark(row.status, row.remark)
    if errors:
        raise ValidationError([ValidationError(error, code="invalid_rows") for error in errors])
    return marks


@transaction.atomic
def attendance_import(*, session_id: int, rows: list, by: User, reason: str = "") -> int:
    """Marks from a spreadsheet (rows from `attendance_import_read`), all or nothing: every row
    must name a confirmed trainee of the session once. Marks it changes are corrections: they
    need a `reason` and are kept in the history. Returns how many marks were written."""
    session = _session_for(session_id=session_id, by=by)
    new = _import_marks(session, rows)
    current = marks_locked(session, set(new))
    corrected = corrections(current, new)
    if corrected and not reason.strip():
        raise ValidationError(
            _(
                "This sheet changes %(count)s marks already given. Say why in “Reason for "
                "corrections” and upload it again."
            )
            % {"count": len(corrected)},
            code="reason_required",
        )
    _marks_apply(session, current, new, how=_BY_IMPORT, reason=reason, by=by)
    return len(new)
