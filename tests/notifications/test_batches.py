"""Batched dispatch and delivery of the outbox."""

import threading

import pytest
from django.db import transaction

from notifications import outbox, services
from notifications.models import OutgoingMail
from notifications.services import mail_send_many


def _write(count: int, prefix: str = "batch") -> list[int]:
    # Written directly, without dispatching, so no running worker can send them first.
    return [
        OutgoingMail.objects.create(
            key=f"{prefix}:{number}",
            to_email=f"t{number}@example.cn",
            language="zh-hans",
            subject="主题",
            body_text="正文",
        ).pk
        for number in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_of_the_same_messages_send_each_once(smtp_sink):
    ids = _write(30)
    barrier = threading.Barrier(4)
    results = []

    def deliver():
        barrier.wait()
        try:
            results.append(mail_send_many(mail_ids=ids))
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(result.get("sent", 0) for result in results) == 30
    assert sum(result["skipped"] for result in results) == 90
    assert sorted(message["X-Portal-Message-Key"] for message in smtp_sink.messages) == sorted(
        f"batch:{number}" for number in range(30)
    )
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT, attempts=1).count() == 30


@pytest.mark.django_db
def test_a_failure_in_a_batch_is_recorded_on_its_row_and_the_rest_are_sent(smtp_sink):
    ids = _write(3)
    smtp_sink.replies.append("421")
    assert mail_send_many(mail_ids=ids) == {"skipped": 0, "retry": 1, "sent": 2}
    statuses = dict(OutgoingMail.objects.values_list("pk", "status"))
    assert sorted(statuses.values()) == ["pending", "sent", "sent"]
    assert len(smtp_sink.messages) == 2


@pytest.mark.django_db
def test_messages_queued_in_one_transaction_leave_in_batches(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "notifications.tasks.mail_send_many_task.delay", lambda ids: sent.append(list(ids))
    )
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(30):
            outbox.enqueue(
                outbox.Message(
                    key=f"bulk:{number}",
                    to_email="a@example.cn",
                    language="zh-hans",
                    subject="主题",
                    body_text="正文",
                )
            )
    assert [len(batch) for batch in sent] == [25, 5]
    assert sorted(pk for batch in sent for pk in batch) == sorted(
        OutgoingMail.objects.filter(key__startswith="bulk:").values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_rolled_back_savepoint_keeps_the_other_messages_dispatched(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "notifications.tasks.mail_send_many_task.delay", lambda ids: sent.append(list(ids))
    )
    monkeypatch.setattr("notifications.tasks.mail_send_task.delay", lambda pk: sent.append([pk]))
    with django_capture_on_commit_callbacks(execute=True):
        kept = outbox.enqueue(
            outbox.Message(
                key="kept:1",
                to_email="a@example.cn",
                language="zh-hans",
                subject="主题",
                body_text="正文",
            )
        )
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue(
                outbox.Message(
                    key="gone:1",
                    to_email="a@example.cn",
                    language="zh-hans",
                    subject="主题",
                    body_text="正文",
                )
            )
            raise RuntimeError("the change failed")
    dispatched = [pk for batch in sent for pk in batch]
    assert kept.pk in dispatched
    assert not OutgoingMail.objects.filter(key="gone:1").exists()


@pytest.mark.django_db
def test_a_large_transaction_hands_its_batches_to_the_mail_worker_in_one_task(
    monkeypatch, django_capture_on_commit_callbacks
):
    from notifications.tasks import mail_dispatch_task

    handed, batches = [], []
    monkeypatch.setattr(
        "notifications.tasks.mail_dispatch_task.delay", lambda ids: handed.append(list(ids))
    )
    monkeypatch.setattr(
        "notifications.tasks.mail_send_many_task.delay", lambda ids: batches.append(list(ids))
    )
    count = services.FAN_OUT_BATCHES * services.BATCH_SIZE + 1
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue_many(
            [
                outbox.Message(
                    key=f"bulk:{number}",
                    to_email="a@example.cn",
                    recipient=None,
                    language="zh-hans",
                    subject="主题",
                    body_text="正文",
                    body_html="",
                )
                for number in range(count)
            ]
        )
    assert len(handed) == 1 and batches == []
    mail_dispatch_task(handed[0])  # what the mail worker runs
    assert [len(batch) for batch in batches] == [services.BATCH_SIZE] * services.FAN_OUT_BATCHES + [
        1
    ]
    assert sorted(pk for batch in batches for pk in batch) == sorted(
        OutgoingMail.objects.filter(key__startswith="bulk:").values_list("pk", flat=True)
    )
