"""The personal data enrollment holds, for "Download my data" (privacy.registry)."""

from typing import Any

from django.db.models import Q

from enrollment.models import Registration
from privacy.registry import ERASED_NAME, register


def _anonymise(user: Any) -> int:
    """Name, mobile and position go; course, status, region, organisation and its type stay,
    so every count by region or organisation type stays right."""
    return Registration.objects.filter(trainee=user).update(
        full_name=ERASED_NAME, phone="", position=""
    )


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
    anonymise=_anonymise,
)
