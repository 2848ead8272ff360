"""The personal data questions holds, for "Download my data" (privacy.registry)."""

from django.db.models import Q

from privacy.registry import register
from questions.models import Question

register(
    "questions",
    model=Question,
    fields=("course__title", "text", "topic", "anonymous", "status", "answer", "created_at"),
    owner=lambda user: Q(asker=user),
)
