"""A real Celery worker on the real Redis delivers the sign-up e-mail to a real SMTP server."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import Organisation
from notifications.models import OutgoingMail
from tests.factories.accounts import region
from tests.fixtures.smtp import body_text

pytestmark = pytest.mark.integration


def test_signup_mail_arrives_through_the_worker_and_its_link_verifies_the_address(
    client, celery_worker, smtp_sink
):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "li.si@example.cn",
            "full_name": "李四",
            "organisation_name": "成都市人力资源和社会保障局",
            "organisation_type": Organisation.Type.CITY_BUREAU,
            "region": region("51").pk,
            "phone": "13912345678",
            "preferred_language": "zh-hans",
            "password1": "a-long-enough-passphrase-2026",
            "password2": "a-long-enough-passphrase-2026",
        },
    )
    assert response.status_code == 302

    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "li.si@example.cn"
    assert "确认" in message["Subject"]  # written in the trainee's language
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body_text(message)).group(0)
    mail = OutgoingMail.objects.get(to_email="li.si@example.cn")
    assert mail.status == OutgoingMail.Status.SENT

    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(email="li.si@example.cn").verified


def test_the_sweeper_task_sends_mail_whose_dispatch_was_lost(client, celery_worker, smtp_sink):
    from notifications.outbox import Message, enqueue
    from notifications.tasks import mail_sweep_task

    # Written outside any task dispatch, as when Redis was down at commit time.
    OutgoingMail.objects.create(
        key="lost:1",
        to_email="wang@example.cn",
        language="zh-hans",
        subject="补发",
        body_text="正文",
    )
    mail_sweep_task.delay()
    (message,) = smtp_sink.wait_for(1)
    assert message["Subject"] == "补发"
    # Queuing the same key again sends nothing more.
    enqueue(
        Message(
            key="lost:1", to_email="wang@example.cn", language="zh-hans", subject="x", body_text="y"
        )
    )
    mail_sweep_task.delay()
    assert OutgoingMail.objects.get(key="lost:1").status == OutgoingMail.Status.SENT
    assert len(smtp_sink.messages) == 1
