"""The outbox API other apps call: `enqueue(...)` inside their own transaction.

The row is inserted in the caller's transaction; the send task is queued only after it
commits, so a rolled-back change never sends mail, and a broker outage loses nothing (the
sweeper picks up rows that are still pending).
"""

import base64
import logging
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import partial

from django.db import connection, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from notifications.models import OutgoingMail
from portal.bulk import insert_columns

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
class MadeAttachment:
    """An attachment made when the message is sent, by the maker registered under `made_by`
    (`register_attachment_maker`) called with `params`: a course's calendar is stored as a
    few bytes per message instead of its whole text, and is the course's calendar as it is
    when the message leaves."""

    made_by: str
    params: tuple[tuple[str, object], ...]

    def as_json(self) -> dict:
        return {"made_by": self.made_by, "params": dict(self.params)}


# Name -> callable(**params) returning the Attachment, or None when there is nothing to
# attach any more (the course is gone).
_MAKERS: dict[str, Callable[..., Attachment | None]] = {}


def register_attachment_maker(name: str, maker: Callable[..., Attachment | None]) -> None:
    """Register the maker of `MadeAttachment(made_by=name, ...)`; apps do this in `ready()`."""
    _MAKERS[name] = maker


def attachment_contents(stored: list[dict], cache: dict | None = None) -> list[Attachment]:
    """The attachments of a queued message (its `attachments` column), made where needed.

    `cache` (a dict) keeps what was made for the other messages of one batch. A maker's
    failure is raised: the message is not sent without what it promised to carry.
    """
    contents = []
    for entry in stored:
        if "made_by" not in entry:
            contents.append(
                Attachment(
                    filename=entry["filename"],
                    content=base64.b64decode(entry["content_b64"]),
                    mimetype=entry["mimetype"],
                )
            )
            continue
        key = (entry["made_by"], tuple(sorted(entry["params"].items())))
        if cache is not None and key in cache:
            made = cache[key]
        else:
            maker = _MAKERS.get(entry["made_by"])
            if maker is None:
                raise LookupError(f"no maker for the attachment {entry['made_by']!r}")
            made = maker(**entry["params"])
            if cache is not None:
                cache[key] = made
        if made is None:
            logger.warning("attachment %s %s: nothing to attach any more", *key)
            continue
        contents.append(made)
    return contents


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
    attachments: tuple[Attachment | MadeAttachment, ...] = ()


def _addressee(to, language: str | None) -> tuple:
    """(recipient user or None, address, language) of a message to `to`."""
    recipient = to if hasattr(to, "email") else None
    to_email = recipient.email if recipient else str(to)
    language = language or getattr(recipient, "preferred_language", None) or "zh-hans"
    return recipient, to_email, language


def _render_parts(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """(subject, text body, HTML body) of `template` rendered in `language`."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body_text = render_to_string(f"{template}_body.txt", context)
        try:
            body_html = render_to_string(f"{template}_body.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    return subject, body_text, body_html


def render(
    *,
    key: str,
    to,
    template: str,
    context: dict,
    language: str | None = None,
    attachments: Iterable[Attachment | MadeAttachment] = (),
) -> Message:
    """Render `template` in the recipient's language, without queueing it.

    `to` is a user (their address and preferred language are used) or an e-mail address.
    Templates: `<template>_subject.txt`, `<template>_body.txt` and optionally `_body.html`.
    """
    return render_draft(
        Draft(
            key=key,
            to=to,
            template=template,
            context=context,
            language=language,
            attachments=tuple(attachments),
        )
    )


def render_draft(draft: "Draft") -> Message:
    """`render` with its arguments in a `Draft`."""
    addressee = _addressee(draft.to, draft.language)
    context = {"recipient": addressee[0], **draft.context}
    return _message(draft, addressee, _render_parts(draft.template, context, addressee[2]))


def _message(draft: "Draft", addressee: tuple, parts: tuple[str, str, str]) -> Message:
    """The Message of `draft` for its (recipient, address, language) and rendered
    (subject, text body, HTML body)."""
    recipient, to_email, language = addressee
    subject, body_text, body_html = parts
    return Message(
        key=draft.key,
        to_email=to_email,
        recipient=recipient,
        language=language,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=tuple(draft.attachments),
    )


@dataclass(frozen=True)
class Draft:
    """A message to render with `render_many`: the arguments `render` takes."""

    key: str
    to: object
    template: str
    context: dict
    language: str | None = None
    attachments: tuple[Attachment | MadeAttachment, ...] = ()


# Markers stand for the per-message values in a stencil: private-use characters, which no
# template, translation or filter produces or changes.
_MARKER = "\ue000{}\ue001"


def render_many(
    drafts: list[Draft],
    *,
    values: dict[str, Callable[[dict], str]],
    masked: Callable[[dict, dict[str, str]], dict],
    shape: Callable[[dict], Hashable] = lambda context: None,
) -> list[Message]:
    """`render` for many messages that differ only in a few plain values (a name, a link): each
    template is rendered once per language and `shape`, with markers in place of those values,
    and every message is that text with its own values put in. Thousands of messages cost a
    few renderings instead of thousands.

    `values` gives, by name, a message's value from its context (the one `render` passes the
    template, with `recipient`); `masked(context, markers)` returns a message's context with
    the marker strings (by the same names) where those values are; `shape(context)` separates
    the messages the template words differently, such as by a condition on a value.
    The result is checked against one message of each group rendered in full, a different
    one from the message the stencil was made from: when the template uses a per-message value
    that `values` does not name, or changes one with a filter, they differ and the group is
    rendered message by message. Templates with an HTML body are always rendered in full.
    """
    contexts, addressees = [], []
    groups: dict[tuple, list[int]] = {}
    for index, draft in enumerate(drafts):
        recipient, to_email, language = _addressee(draft.to, draft.language)
        addressees.append((recipient, to_email, language))
        context = {"recipient": recipient, **draft.context}
        contexts.append(context)
        groups.setdefault((draft.template, language, shape(context)), []).append(index)
    markers = {name: _MARKER.format(number) for number, name in enumerate(values)}

    def fill(text: str, context: dict) -> str:
        for name, marker in markers.items():
            if marker in text:
                text = text.replace(marker, values[name](context))
        return text

    parts: list = [None] * len(drafts)
    for (template, language, _shape), indexes in groups.items():
        stencil = None
        if len(indexes) > 2 and not _has_html_body(template):
            subject, body_text, _html = _render_parts(
                template, masked(contexts[indexes[0]], markers), language
            )
            check = contexts[indexes[1]]
            stencil = subject, body_text
            if (" ".join(fill(subject, check).split()), fill(body_text, check), "") != (
                _render_parts(template, check, language)
            ):
                logger.warning(
                    "%s: the stencil differs from the message rendered in full; rendering "
                    "each message",
                    template,
                )
                stencil = None
        for index in indexes:
            context = contexts[index]
            if stencil is None:
                parts[index] = _render_parts(template, context, language)
            else:
                parts[index] = (
                    " ".join(fill(stencil[0], context).split()),
                    fill(stencil[1], context),
                    "",
                )
    return [
        _message(draft, addressee, part)
        for draft, addressee, part in zip(drafts, addressees, parts, strict=True)
    ]


def _has_html_body(template: str) -> bool:
    try:
        get_template(f"{template}_body.html")
    except TemplateDoesNotExist:
        return False
    return True


def enqueue(
    *,
    key: str,
    to,
    template: str,
    context: dict,
    language: str | None = None,
    attachments: Iterable[Attachment | MadeAttachment] = (),
) -> OutgoingMail:
    """Render `template` in the recipient's language and queue it once per `key`."""
    return enqueue_rendered(
        render(
            key=key,
            to=to,
            template=template,
            context=context,
            language=language,
            attachments=attachments,
        )
    )


def enqueue_rendered(message: Message) -> OutgoingMail:
    """Queue a message made by `render` once per its key; a second call with the same key
    changes nothing and returns the queued row.

    One statement (INSERT ... ON CONFLICT DO NOTHING): registering holds the course lock
    while it queues its message, so the fewer round trips the better.
    """
    columns = _columns([message], timezone.now())
    ids = insert_columns(OutgoingMail, columns, skip_conflicts_on="key")
    if not ids:
        return OutgoingMail.objects.get(key=message.key)
    _dispatch_on_commit(ids)
    mail = OutgoingMail(
        pk=ids[0],
        recipient=message.recipient,
        **{name: values[0] for name, values in columns.items() if name != "recipient_id"},
    )
    mail._state.adding, mail._state.db = False, connection.alias
    return mail


def enqueue_message(
    *,
    key: str,
    to_email: str,
    recipient=None,
    language: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    attachments: Iterable[Attachment | MadeAttachment] = (),
) -> OutgoingMail:
    """Queue an already rendered message (`enqueue_rendered`)."""
    return enqueue_rendered(
        Message(
            key=key,
            to_email=to_email,
            recipient=recipient,
            language=language,
            subject=subject,
            body_text=body_text,
            body_html=body_html,
            attachments=tuple(attachments),
        )
    )


def _columns(messages: list[Message], now) -> dict[str, list]:
    """The outbox rows of `messages`, a list of values per column (`insert_columns`)."""
    encoded: dict[tuple, list] = {}

    def attachments(each: tuple[Attachment | MadeAttachment, ...]) -> list:
        # The same attachments are encoded once for all the rows that carry them.
        if each not in encoded:
            encoded[each] = [attachment.as_json() for attachment in each]
        return encoded[each]

    return {
        "key": [message.key for message in messages],
        "recipient_id": [getattr(message.recipient, "pk", None) for message in messages],
        "to_email": [message.to_email for message in messages],
        "language": [message.language for message in messages],
        "subject": [message.subject[:255] for message in messages],
        "body_text": [message.body_text for message in messages],
        "body_html": [message.body_html for message in messages],
        "attachments": [attachments(message.attachments) for message in messages],
        "status": [OutgoingMail.Status.PENDING.value] * len(messages),
        "attempts": [0] * len(messages),
        "next_attempt_at": [now] * len(messages),
        "last_error": [""] * len(messages),
        "created_at": [now] * len(messages),
    }


def enqueue_many(messages: list[Message]) -> int:
    """Queue many rendered messages in one statement per 5,000; keys already queued are
    skipped (ON CONFLICT DO NOTHING), as `enqueue_rendered` skips them one by one. Returns how
    many rows were added."""
    fresh, seen = [], set()
    for message in messages:
        if message.key not in seen:
            seen.add(message.key)
            fresh.append(message)
    if not fresh:
        return 0
    ids = insert_columns(OutgoingMail, _columns(fresh, timezone.now()), skip_conflicts_on="key")
    _dispatch_on_commit(ids)
    return len(ids)


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


# A transaction that queued more than this many batches (an import of thousands) hands them
# to the mail worker as one task that queues the batches there: the committing process
# publishes one task instead of hundreds.
FAN_OUT_BATCHES = 8


def dispatch_many(mail_ids: list[int], *, fan_out: bool = True) -> None:
    """Hand messages to the mail queue in batches. Failure is harmless: the sweeper retries."""
    if len(mail_ids) == 1:
        dispatch(mail_ids[0])
        return
    from notifications.tasks import mail_dispatch_task, mail_send_many_task

    if fan_out and len(mail_ids) > FAN_OUT_BATCHES * BATCH_SIZE:
        try:
            mail_dispatch_task.delay(list(mail_ids))
        except Exception:
            logger.warning(
                "could not queue %s mails; the sweeper will send them", len(mail_ids), exc_info=True
            )
        return
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
