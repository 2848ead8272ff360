"""The personal data attendance holds, for "Download my data" (privacy.registry)."""

from django.db.models import Q

from attendance.models import Attendance
from privacy.registry import register

register(
    "attendance",
    model=Attendance,
    fields=(
        "registration__course__title",
        "session__title",
        "session__starts_at",
        "status",
        "method",
        "remark",
        "marked_at",
    ),
    owner=lambda user: Q(registration__trainee=user),
)
