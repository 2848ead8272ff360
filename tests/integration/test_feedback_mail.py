"""The hourly beat task, run by a real Celery worker, e-mails the survey link to the trainees
of a course whose survey has opened, through the outbox and a real SMTP server."""

import time

import pytest

from accounts.roles import Role
from feedback import services
from feedback.tasks import survey_notify_task
from notifications.models import OutgoingMail
from tests.factories.accounts import UserFactory
from tests.factories.enrollment import RegistrationFactory
from tests.fixtures.smtp import body_text
from tests.questions.conftest import make_course

pytestmark = pytest.mark.integration


def test_the_survey_invitation_arrives_through_the_worker(celery_worker, smtp_sink):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = make_course(organiser, days_ahead=0)  # the last session has begun: open
    course.title = "全国高技能人才政策培训班"
    course.save(update_fields=["title"])
    survey = services.survey_save(
        user=organiser, course=course, intro="", open_days=7, anonymous=True
    )
    services.survey_template_apply(user=organiser, survey=survey)
    trainee = RegistrationFactory(
        course=course, trainee=UserFactory(email="li.si@example.cn")
    ).trainee

    survey_notify_task.delay()

    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "li.si@example.cn"
    assert "全国高技能人才政策培训班" in message["Subject"]
    assert f"/feedback/course/{course.pk}/" in body_text(message)
    mail = OutgoingMail.objects.get(key=f"feedback:{survey.pk}:{trainee.pk}:invite")
    deadline = time.monotonic() + 15  # the worker marks the row once the server has accepted
    while mail.status != OutgoingMail.Status.SENT and time.monotonic() < deadline:
        time.sleep(0.2)
        mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
