"""Check-in staff of one course: organisers assign an existing account, found by e-mail
address or mobile number, and remove it again. Both are audited."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from courses.models import Course, CourseCheckinStaff
from courses.services.common import ensure_can_edit


def _account_for(identifier: str) -> User:
    """The active account with this e-mail address or mobile number."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        found = User.objects.filter(email__iexact=identifier, is_active=True)
    else:
        found = User.objects.filter(phone=identifier.replace(" ", ""), is_active=True)
    accounts = list(found[:2]) if identifier else []
    if not accounts:
        raise ValidationError(
            _("Nobody with this e-mail address or mobile number has an account."),
            code="user_not_found",
        )
    if len(accounts) > 1:
        raise ValidationError(
            _("Several accounts have this mobile number. Enter the e-mail address instead."),
            code="ambiguous",
        )
    return accounts[0]


def checkin_staff_assign(*, course: Course, by: User, identifier: str) -> User:
    """Let the account found by `identifier` take attendance at `course` (and nowhere else)."""
    ensure_can_edit(course, by)
    user = _account_for(identifier)
    try:
        with transaction.atomic():
            CourseCheckinStaff.objects.create(course=course, user=user, added_by=by)
            audit_record(
                actor=by,
                action=AuditEvent.Action.CHECKIN_STAFF_ASSIGNED,
                target=course,
                details={"user": user.pk, "email": user.email},
            )
    except IntegrityError:
        # Two organisers adding the same person at once end here too.
        raise ValidationError(
            _("This person is already check-in staff of this course."), code="already"
        ) from None
    return user


@transaction.atomic
def checkin_staff_unassign(*, course: Course, by: User, user: User) -> None:
    ensure_can_edit(course, by)
    deleted, _rows = CourseCheckinStaff.objects.filter(course=course, user=user).delete()
    if not deleted:
        raise ValidationError(
            _("This person is not check-in staff of this course."), code="not_assigned"
        )
    audit_record(
        actor=by,
        action=AuditEvent.Action.CHECKIN_STAFF_UNASSIGNED,
        target=course,
        details={"user": user.pk, "email": user.email},
    )
