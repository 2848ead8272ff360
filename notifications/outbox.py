"""The outbox API other apps call: `enqueue(...)` inside their own transaction.

The row is inserted in the caller's transaction; the send task is queued only after it
commits, so a rolled-back change never sends mail, and a broker outage loses nothing (the
sweeper picks up rows that are still pending).
"""

import base64
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import OutgoingMail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "content_b64": base64.b64encode(self.content).decode("ascii"),
            "mimetype": self.mimetype,
        }


@dataclass(frozen=True)
class Message:
    """A rendered message, ready to queue (see `render` and `enqueue_many`)."""

    key: str
    to_email: str
    recipient: object
    language: str
    subject: str
    body_text: str
    body_html: str
    attachments: tuple[Attachment, ...] = ()


def render(
    *,
    key: str,
    to,
    template: str,
    context: dict,
    language: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> Message:
    """Render `template` in the recipient's language, without queueing it.

    `to` is a user (their address and preferred language are used) or an e-mail address.
    Templates: `<template>_subject.txt`, `<template>_body.txt` and optionally `_body.html`.
    """
    recipient = to if hasattr(to, "email") else None
    to_email = recipient.email if recipient else str(to)
    language = language or getattr(recipient, "preferred_language", None) or "zh-hans"
    context = {"recipient": recipient, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body_text = render_to_string(f"{template}_body.txt", context)
        try:
            body_html = render_to_string(f"{template}_body.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    return Message(
        key=key,
        to_email=to_email,
        recipient=recipient,
        language=language,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=tuple(attachments),
    )


def enqueue(
    *,
    key: str,
    to,
    template: str,
    context: dict,
    language: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> OutgoingMail:
    """Render `template` in the recipient's language and queue it once per `key`."""
    message = render(
        key=key,
        to=to,
        template=template,
        context=context,
        language=language,
        attachments=attachments,
    )
    return enqueue_message(
        key=message.key,
        to_email=message.to_email,
        recipient=message.recipient,
        language=message.language,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        attachments=message.attachments,
    )


def enqueue_message(
    *,
    key: str,
    to_email: str,
    recipient=None,
    language: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[Attachment] = (),
) -> OutgoingMail:
    """Queue an already rendered message; a second call with the same key changes nothing.

    One statement (INSERT ... ON CONFLICT DO NOTHING): registering holds the course lock
    while it queues its message, so the fewer round trips the better.
    """
    now = timezone.now()
    table = OutgoingMail._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (key, recipient_id, to_email, language, subject, body_text,
                body_html, attachments, status, attempts, next_attempt_at, last_error,
                created_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 0, %s, '', %s)
            ON CONFLICT (key) DO NOTHING
            RETURNING id
            """,
            [
                key,
                getattr(recipient, "pk", None),
                to_email,
                language,
                subject[:255],
                body_text,
                body_html,
                json.dumps([attachment.as_json() for attachment in attachments]),
                OutgoingMail.Status.PENDING,
                now,
                now,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return OutgoingMail.objects.get(key=key)
    _dispatch_on_commit([row[0]])
    mail = OutgoingMail(
        pk=row[0],
        key=key,
        recipient=recipient,
        to_email=to_email,
        language=language,
        subject=subject[:255],
        body_text=body_text,
        body_html=body_html,
        attachments=[attachment.as_json() for attachment in attachments],
        status=OutgoingMail.Status.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    mail._state.adding, mail._state.db = False, connection.alias
    return mail


def enqueue_many(messages: list[Message]) -> int:
    """Queue many rendered messages with a few statements; keys already queued are skipped,
    as `enqueue_message` skips them one by one. Returns how many rows were added."""
    if not messages:
        return 0
    keys = [message.key for message in messages]
    queued = set()
    for start in range(0, len(keys), 1000):
        queued.update(
            OutgoingMail.objects.filter(key__in=keys[start : start + 1000]).values_list(
                "key", flat=True
            )
        )
    fresh, seen = [], set()
    for message in messages:
        if message.key in queued or message.key in seen:
            continue
        seen.add(message.key)
        fresh.append(message)
    try:
        with transaction.atomic():
            rows = OutgoingMail.objects.bulk_create(
                [
                    OutgoingMail(
                        key=message.key,
                        to_email=message.to_email,
                        recipient=message.recipient,
                        language=message.language,
                        subject=message.subject[:255],
                        body_text=message.body_text,
                        body_html=message.body_html,
                        attachments=[attachment.as_json() for attachment in message.attachments],
                    )
                    for message in fresh
                ],
                batch_size=500,
            )
    except IntegrityError:
        # Another transaction queued one of the keys meanwhile: one by one, skipping those.
        for message in fresh:
            enqueue_message(
                key=message.key,
                to_email=message.to_email,
                recipient=message.recipient,
                language=message.language,
                subject=message.subject,
                body_text=message.body_text,
                body_html=message.body_html,
                attachments=message.attachments,
            )
        return len(fresh)
    _dispatch_on_commit([row.pk for row in rows])
    return len(rows)


# Messages queued in one transaction leave in batches: a task per BATCH_SIZE messages claims
# them in one statement and sends them over one SMTP connection, instead of a task, a claim and
# a connection per message.
BATCH_SIZE = 25


def _dispatch_on_commit(mail_ids: list[int]) -> None:
    """Add the rows to this connection's pending batch; a commit hook sends the whole batch.

    Every queued row registers the (idempotent) hook, so it survives whatever savepoint
    rollback keeps the row; the first hook to run empties the batch. Ids of rolled-back rows
    that ride along are harmless: their claim matches nothing.
    """
    connection = transaction.get_connection()
    # The batch belongs to the outermost atomic block: a rolled-back transaction's ids are
    # dropped with it instead of riding along with the next one.
    owner = connection.atomic_blocks[0] if connection.atomic_blocks else None
    state = getattr(connection, "_portal_outbox_pending", None)
    if state is None or state[0] is not owner:
        state = connection._portal_outbox_pending = (owner, [])
    pending = state[1]
    pending.extend(mail_ids)
    transaction.on_commit(partial(_flush, pending), robust=True)


def _flush(pending: list[int]) -> None:
    ids, pending[:] = list(pending), []
    if ids:
        dispatch_many(ids)


def dispatch_many(mail_ids: list[int]) -> None:
    """Hand messages to the mail queue in batches. Failure is harmless: the sweeper retries."""
    if len(mail_ids) == 1:
        dispatch(mail_ids[0])
        return
    from notifications.tasks import mail_send_many_task

    for start in range(0, len(mail_ids), BATCH_SIZE):
        batch = mail_ids[start : start + BATCH_SIZE]
        try:
            mail_send_many_task.delay(batch)
        except Exception:
            logger.warning(
                "could not queue mails %s; the sweeper will send them", batch, exc_info=True
            )
            return


def dispatch(mail_id: int) -> None:
    """Hand a message to the mail queue. Failure is harmless: the sweeper retries."""
    from notifications.tasks import mail_send_task

    try:
        mail_send_task.delay(mail_id)
    except Exception:
        logger.warning("could not queue mail %s; the sweeper will send it", mail_id, exc_info=True)
