"""The personal data certificates holds, for "Download my data" (privacy.registry)."""

from typing import Any

from django.db.models import Q
from django.utils import timezone

from certificates.models import Certificate
from privacy.registry import ERASED_NAME, register


def _anonymise(user: Any) -> int:
    """The certificate keeps its number, course, hours and status (its verification page says
    "valid, holder's details removed"); the name and unit go, and so does the printed PDF."""
    certificates = Certificate.objects.filter(
        registration__trainee=user, holder_details_removed_at__isnull=True
    )
    for certificate in certificates.exclude(pdf=""):
        certificate.pdf.delete(save=False)
    return certificates.update(
        trainee_name=ERASED_NAME,
        organisation_name="",
        pdf="",
        holder_details_removed_at=timezone.now(),
    )


register(
    "certificates",
    model=Certificate,
    fields=(
        "course__title",
        "code",
        "status",
        "trainee_name",
        "organisation_name",
        "hours",
        "attendance_percent",
        "issued_at",
        "revoked_at",
    ),
    owner=lambda user: Q(registration__trainee=user),
    anonymise=_anonymise,
)
