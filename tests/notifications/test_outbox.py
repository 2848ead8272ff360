import copy
import threading
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import outbox
from notifications.models import OutgoingMail
from notifications.services import mail_resend, mail_send, mail_send_many, mail_sweep
from tests.factories.accounts import UserFactory
from tests.fixtures.smtp import body_text


def _queue(key: str = "test:1", to: str = "someone@example.cn", **extra) -> OutgoingMail:
    return outbox.enqueue(
        outbox.Message(
            key=key, to_email=to, language="zh-hans", subject="测试主题", body_text="正文", **extra
        )
    )


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_deliveries_of_one_message_send_it_once(smtp_sink):
    # Written directly, without dispatching, so no running worker can send it first.
    mail = OutgoingMail.objects.create(
        key="test:1",
        to_email="someone@example.cn",
        language="zh-hans",
        subject="主题",
        body_text="正文",
    )
    barrier = threading.Barrier(20)
    results = []

    def deliver():
        barrier.wait()
        try:
            results.append(mail_send(mail_id=mail.pk))
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["sent"] + ["skipped"] * 19
    assert len(smtp_sink.messages) == 1
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
    assert mail.attempts == 1


@pytest.mark.django_db
def test_transient_smtp_error_puts_the_message_back_to_pending_then_it_is_sent(smtp_sink):
    mail = _queue()
    smtp_sink.replies.append("421")

    assert mail_send(mail_id=mail.pk) == "retry"
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.PENDING
    assert mail.next_attempt_at > timezone.now()
    assert "421" in mail.last_error
    assert smtp_sink.messages == []
    # Not due yet: a second delivery of the task does nothing.
    assert mail_send(mail_id=mail.pk) == "skipped"

    OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now())
    assert mail_sweep() == [mail.pk]
    assert mail_send(mail_id=mail.pk) == "sent"
    assert len(smtp_sink.messages) == 1
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == (OutgoingMail.Status.SENT, 2, "")


@pytest.mark.django_db
def test_dropped_connection_is_transient(smtp_sink):
    mail = _queue()
    smtp_sink.replies.append("disconnect")
    assert mail_send(mail_id=mail.pk) == "retry"
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.PENDING


@pytest.mark.django_db
def test_permanent_smtp_error_fails_the_message_and_an_admin_can_resend_it(
    smtp_sink, django_capture_on_commit_callbacks
):
    mail = _queue()
    smtp_sink.replies.append("550")

    assert mail_send(mail_id=mail.pk) == "failed"
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED
    assert "550" in mail.last_error
    assert mail_sweep() == []

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mail_resend(mail_id=mail.pk)
    assert len(callbacks) == 1
    assert mail_send(mail_id=mail.pk) == "sent"
    assert len(smtp_sink.messages) == 1


@pytest.mark.django_db
def test_transient_errors_stop_after_the_attempt_limit(smtp_sink, settings):
    settings.PORTAL_MAIL_MAX_ATTEMPTS = 2
    mail = _queue()
    smtp_sink.replies.extend(["421", "421"])
    assert mail_send(mail_id=mail.pk) == "retry"
    OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now())
    assert mail_send(mail_id=mail.pk) == "failed"
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED


@pytest.mark.django_db
def test_the_same_key_is_queued_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = _queue(key="registration:1:confirmed")
        second = _queue(key="registration:1:confirmed")
    assert first.pk == second.pk
    assert OutgoingMail.objects.filter(key="registration:1:confirmed").count() == 1
    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_queues_no_mail():
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue(key="rolled-back")
        raise RuntimeError("the change failed")
    assert not OutgoingMail.objects.filter(key="rolled-back").exists()


@pytest.mark.django_db
def test_sweeper_releases_messages_stuck_in_sending(settings):
    mail = _queue()
    stale = timezone.now() - timedelta(seconds=settings.PORTAL_MAIL_STALE_SENDING_SECONDS + 5)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENDING, claimed_at=stale
    )
    assert mail_sweep() == [mail.pk]
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.PENDING


@pytest.mark.django_db
def test_templates_are_rendered_in_the_recipients_language(smtp_sink):
    english = UserFactory(preferred_language="en")
    chinese = UserFactory(preferred_language="zh-hans")
    for user in (english, chinese):
        outbox.enqueue(
            key=f"test:{user.pk}", to=user, template="notifications/mail/test", context={}
        )
    for mail in OutgoingMail.objects.all():
        mail_send(mail_id=mail.pk)
    by_recipient = {message["To"]: message for message in smtp_sink.messages}
    assert by_recipient[english.email]["Subject"] == "Test message"
    assert by_recipient[chinese.email]["Subject"] == "测试邮件"
    assert "Training Course Portal" in body_text(by_recipient[english.email])
    assert "培训班管理平台" in body_text(by_recipient[chinese.email])


def _invitation_drafts(users) -> list:
    return [
        outbox.Draft(
            key=f"test:{user.pk}",
            to=user,
            template="enrollment/mail/invitation",
            context={
                "course": {"title": "培训班"},
                "set_password_url": f"https://portal.example.cn/set/{user.pk}/",
                "site_url": "https://portal.example.cn/",
            },
        )
        for user in users
    ]


def _rendered_alone(draft) -> tuple:
    message = outbox.render(
        key=draft.key, to=draft.to, template=draft.template, context=draft.context
    )
    return message.to_email, message.language, message.subject, message.body_text


def _masked(context, markers):
    recipient = copy.copy(context["recipient"])
    recipient.full_name = markers["name"]
    return {**context, "recipient": recipient, "set_password_url": markers["link"]}


@pytest.mark.django_db
def test_render_many_puts_each_recipients_values_into_one_rendering():
    users = [UserFactory(full_name=f"学员 {n} & <b>") for n in range(4)]
    users.append(UserFactory(full_name="Alice", preferred_language="en"))
    drafts = _invitation_drafts(users)
    messages = outbox.render_many(
        drafts,
        values={
            "name": lambda context: context["recipient"].full_name,
            "link": lambda context: context["set_password_url"],
        },
        masked=_masked,
    )
    assert [m.key for m in messages] == [d.key for d in drafts]
    for draft, message in zip(drafts, messages, strict=True):
        assert (message.to_email, message.language, message.subject, message.body_text) == (
            _rendered_alone(draft)
        )
        assert draft.context["set_password_url"] in message.body_text


@pytest.mark.django_db
def test_render_many_renders_each_message_when_a_value_is_not_named(caplog):
    users = [UserFactory(full_name=f"学员{n}") for n in range(4)]
    drafts = _invitation_drafts(users)
    # The link is left out of `values`: the stencil would give everyone the first one's link.
    messages = outbox.render_many(
        drafts,
        values={"name": lambda context: context["recipient"].full_name, "link": lambda c: ""},
        masked=lambda context, markers: (
            _masked(context, {**markers, "link": "x"})
            | {"set_password_url": context["set_password_url"]}
        ),
    )
    for draft, message in zip(drafts, messages, strict=True):
        assert message.body_text == _rendered_alone(draft)[3]
        assert draft.context["set_password_url"] in message.body_text
    assert "rendering each message" in caplog.text


@pytest.mark.django_db
def test_a_message_whose_attachment_cannot_be_made_fails_with_the_reason(smtp_sink):
    mail = _queue(attachments=[outbox.MadeAttachment("no_such_maker", (("x", 1),))])
    assert mail_send_many(mail_ids=[mail.pk]) == {"skipped": 0, "failed": 1}
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.FAILED
    assert "no_such_maker" in mail.last_error
    assert smtp_sink.messages == []


@pytest.mark.django_db
def test_an_attachment_given_whole_is_stored_and_sent_as_it_is(smtp_sink):
    content = bytes(range(256))
    mail = _queue(attachments=[outbox.Attachment("名单.bin", content, "application/octet-stream")])
    assert mail_send(mail_id=mail.pk) == "sent"
    (message,) = smtp_sink.messages
    (part,) = [p for p in message.walk() if p.get_filename() == "名单.bin"]
    assert part.get_payload(decode=True) == content
