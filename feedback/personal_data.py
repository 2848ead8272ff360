"""The personal data feedback holds, for "Download my data" (privacy.registry). Answers to an
anonymous survey are not tied to the person anywhere they can be shown, so they are left out."""

from django.db.models import Q

from feedback.models import SurveyAnswer
from privacy.registry import register

register(
    "feedback",
    model=SurveyAnswer,
    fields=(
        "response__survey__course__title",
        "question__text",
        "session__title",
        "rating",
        "choices",
        "text",
        "response__submitted_at",
    ),
    owner=lambda user: Q(response__respondent=user, response__survey__anonymous=False),
)
