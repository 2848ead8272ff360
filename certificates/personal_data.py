"""The personal data certificates holds, for "Download my data" (privacy.registry)."""

from django.db.models import Q

from certificates.models import Certificate
from privacy.registry import register

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
)
