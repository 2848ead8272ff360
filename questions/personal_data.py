"""The personal data questions holds, for "Download my data" (privacy.registry)."""

from django.db.models import Q

from privacy.registry import register
from questions.models import Question

register(
    "questions",
    model=Question,
    fields=("course__title", "text", "topic", "anonymous", "status", "answer", "created_at"),
    owner=lambda user: Q(asker=user),
    # The question and its answer stay for the course; nobody sees who asked.
    anonymise=lambda user: Question.objects.filter(asker=user).update(anonymous=True),
)
