"""Sending the outbox: claim a row, send it, record the outcome."""

import logging
import smtplib
import socket
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from jobs.dispatch import enqueue, enqueue_on_commit
from notifications.attachments import MadeCache, attachment_contents
from notifications.models import OutgoingMail

logger = logging.getLogger(__name__)

# Connection problems and 4xx replies are worth another try; 5xx replies are final.
_TRANSIENT_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    socket.timeout,
    OSError,
)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _claim(mail_ids: list[int]) -> list[OutgoingMail]:
    """Claim the due pending rows among `mail_ids` in one conditional UPDATE ... RETURNING.

    A row is claimed by exactly one caller: the UPDATE re-checks `status = pending` on the row
    it locks, so concurrent claims of the same row wait and then match nothing.
    """
    if not mail_ids:
        return []
    table = OutgoingMail._meta.db_table
    now = timezone.now()
    claimed = OutgoingMail.objects.raw(
        f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "
        "WHERE id = ANY(%s) AND status = %s AND next_attempt_at <= %s RETURNING *",
        [OutgoingMail.Status.SENDING, now, list(mail_ids), OutgoingMail.Status.PENDING, now],
    )
    return sorted(claimed, key=lambda mail: mail.pk)


# One SMTP connection per worker thread, reused from message to message: opening one costs a
# TCP handshake, the greeting, EHLO (and TLS) for every mail otherwise. It is dropped after any
# error and when it has been idle long enough for the server to have closed it.
_IDLE_SECONDS = 20
_local = threading.local()


def _connection_key() -> tuple[Any, ...]:
    return (
        settings.EMAIL_BACKEND,
        getattr(settings, "EMAIL_HOST", ""),
        getattr(settings, "EMAIL_PORT", 0),
        getattr(settings, "EMAIL_HOST_USER", ""),
        getattr(settings, "EMAIL_USE_TLS", False),
        getattr(settings, "EMAIL_USE_SSL", False),
    )


def _open_connection() -> BaseEmailBackend:
    # (connection, the settings it was opened with, when it was last used)
    cached: tuple[BaseEmailBackend, tuple[Any, ...], float] | None = getattr(
        _local, "connection", None
    )
    key = _connection_key()
    if cached is not None:
        reused, cached_key, last_used = cached
        if cached_key == key and time.monotonic() - last_used < _IDLE_SECONDS:
            return reused
        _drop_connection()
    connection: BaseEmailBackend = get_connection(fail_silently=False)
    connection.open()
    _local.connection = (connection, key, time.monotonic())
    return connection


def _release_connection(connection: BaseEmailBackend) -> None:
    _local.connection = (connection, _connection_key(), time.monotonic())


def _drop_connection() -> None:
    cached = getattr(_local, "connection", None)
    _local.connection = None
    if cached is not None:
        try:
            cached[0].close()
        except Exception:
            logger.debug("closing a dropped SMTP connection failed", exc_info=True)


def _build_message(
    mail: OutgoingMail, connection: BaseEmailBackend, made: MadeCache | None = None
) -> EmailMultiAlternatives:
    """`made` keeps the attachments made for the other messages of a batch."""
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_email],
        connection=connection,
        headers={"X-Portal-Message-Key": mail.key[:200]},
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    for attachment in attachment_contents(mail.attachments, made):
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def _classify(exc: Exception) -> bool:
    """True when the failure is transient."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return any(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, _TRANSIENT_ERRORS)


def mail_send(*, mail_id: int) -> str:
    """Send one outbox row if this call wins the claim. Returns what happened."""
    claimed = _claim([mail_id])
    if not claimed:
        return "skipped"
    mail = claimed[0]
    outcome = _deliver(mail)
    if outcome == "sent":
        _record_sent([mail.pk])
    return outcome


def mail_send_many(*, mail_ids: list[int]) -> dict[str, int]:
    """Claim the due rows among `mail_ids` at once and send them over one connection; the
    sent ones are recorded with one UPDATE at the end (also when the task is stopped midway,
    for those sent by then)."""
    outcomes = {"skipped": len(set(mail_ids))}
    sent: list[int] = []
    made: MadeCache = {}
    try:
        for mail in _claim(list(set(mail_ids))):
            outcome = _deliver(mail, made)
            outcomes["skipped"] -= 1
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if outcome == "sent":
                sent.append(mail.pk)
    finally:
        _record_sent(sent)
    return outcomes


def _record_sent(mail_ids: list[int]) -> None:
    if mail_ids:
        OutgoingMail.objects.filter(pk__in=mail_ids).update(
            status=OutgoingMail.Status.SENT, sent_at=timezone.now(), last_error=""
        )


def _deliver(mail: OutgoingMail, made: MadeCache | None = None) -> str:
    """Send a claimed row; record a failure on it. The caller records "sent" (`_record_sent`).

    `made` keeps the attachments made for the other messages of a batch."""
    try:
        connection = _open_connection()
        _build_message(mail, connection, made).send()
        _release_connection(connection)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        _drop_connection()
        transient = _classify(exc)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if transient and mail.attempts < settings.PORTAL_MAIL_MAX_ATTEMPTS:
            OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.SENDING).update(
                status=OutgoingMail.Status.PENDING,
                next_attempt_at=timezone.now() + _backoff(mail.attempts),
                last_error=error,
            )
            logger.warning("mail %s: transient failure, will retry: %s", mail.pk, error)
            return "retry"
        OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.SENDING).update(
            status=OutgoingMail.Status.FAILED, last_error=error
        )
        logger.error("mail %s: failed permanently: %s", mail.pk, error)
        return "failed"
    return "sent"


def mail_sweep(*, limit: int = 500) -> list[int]:
    """Release rows stuck in `sending` and return the ids of pending rows that are due."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.PORTAL_MAIL_STALE_SENDING_SECONDS)
    OutgoingMail.objects.filter(status=OutgoingMail.Status.SENDING, claimed_at__lt=stale).update(
        status=OutgoingMail.Status.PENDING, next_attempt_at=now
    )
    return list(
        OutgoingMail.objects.filter(status=OutgoingMail.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def mail_resend(*, mail_id: int) -> OutgoingMail:
    """An administrator sends a failed message again."""
    mail = OutgoingMail.objects.select_for_update().get(pk=mail_id)
    if mail.status == OutgoingMail.Status.FAILED:
        mail.status = OutgoingMail.Status.PENDING
        mail.next_attempt_at = timezone.now()
        mail.attempts = 0
        mail.save(update_fields=["status", "next_attempt_at", "attempts"])
        enqueue_on_commit("notifications.mail_send", mail.pk, log=logger)
    return mail


# Messages queued in one transaction leave in batches: a task per BATCH_SIZE messages claims
# them in one statement and sends them over one SMTP connection, instead of a task, a claim and
# a connection per message.
BATCH_SIZE = 25
# A transaction that queued more than this many batches (an import of thousands) hands them
# to the mail worker as one task that queues the batches there: the committing process
# publishes one task instead of hundreds.
FAN_OUT_BATCHES = 8


def mail_dispatch(
    mail_ids: list[int], *, fan_out: bool = True, log: logging.Logger | None = None
) -> None:
    """Hand messages to the mail queue in batches. Failure is harmless: the sweeper retries
    (`log`, the caller's logger, says what was not queued)."""
    log = log or logger
    if len(mail_ids) == 1:
        enqueue("notifications.mail_send", mail_ids[0], log=log)
        return
    if fan_out and len(mail_ids) > FAN_OUT_BATCHES * BATCH_SIZE:
        enqueue("notifications.mail_dispatch", list(mail_ids), log=log)
        return
    for start in range(0, len(mail_ids), BATCH_SIZE):
        # With the broker down, the rest would fail the same way.
        if not enqueue(
            "notifications.mail_send_many", mail_ids[start : start + BATCH_SIZE], log=log
        ):
            return
