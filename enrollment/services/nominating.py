"""Nominating units: organisations an organiser lets register their own people for a course."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Course
from courses.services.common import ensure_can_edit
from enrollment.models import NominatingUnit


@transaction.atomic
def nominating_unit_appoint(
    *, course: Course, by: User, contact_email: str, seat_allowance: int | None = None
) -> NominatingUnit:
    """Appoint the contact's organisation as nominating unit, with the contact as its person."""
    ensure_can_edit(course, by)
    contact = User.objects.filter(email__iexact=(contact_email or "").strip()).first()
    if contact is None or not contact.is_active:
        raise ValidationError(
            {
                "contact_email": ValidationError(
                    _("Nobody with this e-mail address has an account."), code="user_not_found"
                )
            }
        )
    if contact.organisation_id is None:
        raise ValidationError(
            {
                "contact_email": ValidationError(
                    _("This person has not given their organisation yet."), code="no_organisation"
                )
            }
        )
    if seat_allowance is not None and seat_allowance < 1:
        raise ValidationError(
            {
                "seat_allowance": ValidationError(
                    _("The allowance must be at least one place."), code="allowance"
                )
            }
        )
    try:
        with transaction.atomic():
            return NominatingUnit.objects.create(
                course=course,
                organisation_id=contact.organisation_id,
                contact=contact,
                seat_allowance=seat_allowance,
            )
    except IntegrityError:
        raise ValidationError(
            _("This organisation is already a nominating unit of the course."),
            code="already_appointed",
        ) from None


@transaction.atomic
def nominating_unit_remove(*, unit: NominatingUnit, by: User) -> None:
    """Registrations it made stay; the unit can no longer add people."""
    ensure_can_edit(unit.course, by)
    unit.delete()
