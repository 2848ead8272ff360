"""`notifications`: 2,000 confirmation e-mails delivered by the worker to a local SMTP server."""

import smtplib
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from bench.common import Worker, free_port

MESSAGES = 2000


class CountingSink:
    def __init__(self):
        self.lock = threading.Lock()
        self.keys: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        key = ""
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"x-portal-message-key:"):
                key = line.split(b":", 1)[1].strip().decode()
                break
        if key.startswith("bench:"):  # not a message another benchmark left in the outbox
            with self.lock:
                self.keys.append(key)
        return "250 OK"


def _baseline(port: int, count: int) -> float:
    """Messages per second a plain smtplib loop hands to the same server."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for number in range(count):
            message = EmailMessage()
            message["From"], message["To"] = "noreply@example.cn", f"t{number}@example.cn"
            message["Subject"] = "报名确认"
            message.set_content("您的报名已确认。")
            client.send_message(message)
    return count / (time.perf_counter() - started)


def _purge_mail_queue() -> None:
    """Drop the mail tasks other benchmarks left in the broker (no mail worker ran then), so
    the ones measured here are not queued behind them. Nothing is lost by it: the outbox rows
    stay, and the sweeper hands out any pending row again."""
    from portal.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("mail")


def run(*, quick: bool) -> dict:
    from django.db import transaction

    from notifications.models import OutgoingMail
    from notifications.outbox import Message, enqueue

    count = 300 if quick else MESSAGES
    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        baseline = _baseline(port, count)
        sink.keys.clear()
        OutgoingMail.objects.filter(key__startswith="bench:").delete()
        # The other benchmarks queue e-mails (registrations, invitations) that no mail worker
        # sent; their tasks are still in the queue. Settled here, they cost the worker one
        # claim that matches nothing instead of thousands of deliveries.
        OutgoingMail.objects.filter(status__in=["pending", "sending"]).update(
            status="failed", last_error="left by another benchmark"
        )
        _purge_mail_queue()
        worker = Worker("mail", concurrency=8, EMAIL_URL=f"smtp://127.0.0.1:{port}")
        try:
            # The clock starts when the queued rows commit: rendering and inserting them is the
            # registering request's work; committing, dispatching and delivering are measured.
            queueing = time.perf_counter()
            with transaction.atomic():
                for number in range(count):
                    enqueue(
                        Message(
                            key=f"bench:{number}",
                            to_email=f"trainee{number}@example.cn",
                            language="zh-hans",
                            subject="报名确认：全国高技能人才政策培训班",
                            body_text="您的报名已确认。",
                        )
                    )
                started = time.perf_counter()
                enqueued = started - queueing
            deadline = time.monotonic() + 600
            while len(sink.keys) < count and time.monotonic() < deadline:
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            time.sleep(1)  # anything sent twice would arrive now
            peak = worker.peak_rss_mb()
        finally:
            worker.stop()
    finally:
        controller.stop()
    delivered = set(sink.keys)
    rate = len(sink.keys) / elapsed
    lost = count - len(delivered)
    duplicates = len(sink.keys) - len(delivered)
    sent_rows = OutgoingMail.objects.filter(key__startswith="bench:", status="sent").count()
    return {
        "messages": count,
        "throughput": round(rate, 1),
        "duplicates": duplicates,
        "lost": lost,
        "rows_marked_sent": sent_rows,
        "enqueue_seconds": round(enqueued, 2),
        "seconds_to_deliver": round(elapsed, 2),
        "peak_rss_mb": peak,
        "baseline": {"name": "plain smtplib loop", "throughput": round(baseline, 1)},
        "ratio": round(rate / baseline, 3),
        "targets": {"ratio": ">= 0.5", "duplicates": 0, "lost": 0},
        "met": rate / baseline >= 0.5 and duplicates == 0 and lost == 0,
    }
