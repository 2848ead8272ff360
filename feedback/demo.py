"""Demo data: course A's feedback survey with the standard questions (idempotent)."""

from django.db import transaction

from courses.demo import TITLE_A
from courses.models import Course
from feedback import services
from feedback.models import Survey


def seed(*, stdout=None) -> dict[str, int]:
    course = Course.objects.filter(title=TITLE_A).first()
    organiser = course.organisers.order_by("pk").first() if course else None
    if organiser is None or Survey.objects.filter(course=course).exists():
        return {"surveys": 0}
    with transaction.atomic():
        survey = services.survey_save(
            user=organiser,
            course=course,
            intro="请对本次培训进行评价，您的意见将用于改进今后的培训工作。",
            open_days=7,
            anonymous=True,
        )
        services.survey_template_apply(user=organiser, survey=survey)
    if stdout:
        stdout.write("feedback: survey for course A")
    return {"surveys": 1}
