"""A real Celery worker delivers the registration confirmation, with the course calendar."""

import pytest
from django.urls import reverse

from courses.models import Course
from enrollment.models import Registration
from notifications.models import OutgoingMail
from tests.enrollment.conftest import trainee_from
from tests.factories.courses import CourseFactory, SessionFactory
from tests.fixtures.smtp import body_text

pytestmark = pytest.mark.integration


def test_confirmation_arrives_through_the_worker_with_the_calendar(
    client, celery_worker, smtp_sink
):
    course = CourseFactory(status=Course.Status.PUBLISHED, title="全国人社政策培训班")
    SessionFactory(course=course, title="开班仪式")
    trainee = trainee_from("44", email="zhang.san@example.cn")
    client.force_login(trainee)

    response = client.post(
        reverse("enrollment:registration-create", args=[course.pk]),
        {
            "full_name": trainee.full_name,
            "phone": "13912345678",
            "position": "科长",
            "organisation_name": trainee.organisation.name,
            "organisation_type": trainee.organisation.type,
            "region": trainee.organisation.region_id,
            "preferred_language": "zh-hans",
        },
    )
    assert response.status_code == 302

    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "zhang.san@example.cn"
    assert "报名成功" in message["Subject"]
    assert "全国人社政策培训班" in body_text(message)
    calendars = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(calendars) == 1
    assert "开班仪式" in calendars[0].get_payload(decode=True).decode()
    registration = Registration.objects.get(trainee=trainee)
    mail = OutgoingMail.objects.get(key=f"registration:{registration.pk}:confirmed")
    assert mail.status == OutgoingMail.Status.SENT
