"""The personal data enrollment holds, for "Download my data" (privacy.registry)."""

from django.db.models import Q

from enrollment.models import Registration
from privacy.registry import register

register(
    "registrations",
    model=Registration,
    fields=(
        "course__title",
        "status",
        "source",
        "full_name",
        "organisation_name",
        "organisation_type",
        "region__name_zh",
        "position",
        "phone",
        "created_at",
        "decided_at",
        "decision_reason",
        "cancelled_at",
        "cancel_reason",
    ),
    owner=lambda user: Q(trainee=user),
)
