"""The outbox API other apps call: `enqueue(...)` and `enqueue_many(...)` inside their own
transaction, with the messages made by `render`/`render_many` and their attachments.

The row is inserted in the caller's transaction; the send task is queued only after it
commits, so a rolled-back change never sends mail, and a broker outage loses nothing (the
sweeper picks up rows that are still pending).
"""

import logging
import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypeAlias

from django.db import connection, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from notifications.attachments import Attachment, MadeAttachment, register_attachment_maker
from notifications.models import OutgoingMail
from notifications.services import mail_dispatch
from portal.auth_types import PortalUser
from portal.bulk import insert_columns

__all__ = [
    "Attachment",
    "Draft",
    "MadeAttachment",
    "Message",
    "enqueue",
    "enqueue_many",
    "register_attachment_maker",
    "render",
    "render_many",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Message:
    """A rendered message, ready to queue (see `render` and `enqueue`)."""

    key: str
    to_email: str
    recipient: PortalUser | None = None
    language: str
    subject: str
    body_text: str
    body_html: str = ""
    attachments: tuple[Attachment | MadeAttachment, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "attachments", tuple(self.attachments))


@dataclass(frozen=True)
class Draft:
    """A message to render: the arguments of `render`, for `render_many`."""

    key: str
    to: PortalUser | str
    template: str
    context: dict[str, Any]
    language: str | None = None
    attachments: tuple[Attachment | MadeAttachment, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "attachments", tuple(self.attachments))


# -- Rendering --------------------------------------------------------------------------------

# A template's context, with the `recipient` that `render` adds.
Context: TypeAlias = dict[str, Any]
# A rendered message: (subject, text body, HTML body).
Parts: TypeAlias = tuple[str, str, str]


class _Addressee(NamedTuple):
    recipient: PortalUser | None
    to_email: str
    language: str


def _addressee(to: PortalUser | str, language: str | None) -> _Addressee:
    """Who and where a message to `to` (a user or an address) goes, and in which language."""
    if isinstance(to, str):
        return _Addressee(None, to, language or "zh-hans")
    language = language or getattr(to, "preferred_language", None) or "zh-hans"
    return _Addressee(to, to.email, language)


def _render_parts(template: str, context: Context, language: str) -> Parts:
    """(subject, text body, HTML body) of `template` rendered in `language`."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body_text = render_to_string(f"{template}_body.txt", context)
        body_html: str
        try:
            body_html = render_to_string(f"{template}_body.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    return subject, body_text, body_html


def render(draft: Draft | None = None, /, **fields: Any) -> Message:
    """Render a message in the recipient's language, without queueing it: a `Draft`, or the
    `Draft`'s fields as keywords (key, to, template, context, language, attachments).

    `to` is a user (their address and preferred language are used) or an e-mail address.
    Templates: `<template>_subject.txt`, `<template>_body.txt` and optionally `_body.html`.
    """
    draft = draft or Draft(**fields)
    addressee = _addressee(draft.to, draft.language)
    context = {"recipient": addressee.recipient, **draft.context}
    return _message(draft, addressee, _render_parts(draft.template, context, addressee.language))


def _message(draft: Draft, addressee: _Addressee, parts: Parts) -> Message:
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
        attachments=draft.attachments,
    )


# Markers stand for the per-message values in a stencil: private-use characters, which no
# template, translation or filter produces or changes.
_MARKER = "\ue000{}\ue001"


def render_many(
    drafts: list[Draft],
    *,
    values: dict[str, Callable[[Context], str]],
    masked: Callable[[Context, dict[str, str]], Context],
    shape: Callable[[Context], Hashable] = lambda context: None,
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
    addressees = [_addressee(draft.to, draft.language) for draft in drafts]
    contexts: list[Context] = [
        {"recipient": addressee.recipient, **draft.context}
        for draft, addressee in zip(drafts, addressees, strict=True)
    ]
    groups: dict[tuple[str, str, Hashable], list[int]] = {}
    for index, (draft, context) in enumerate(zip(drafts, contexts, strict=True)):
        key = (draft.template, addressees[index].language, shape(context))
        groups.setdefault(key, []).append(index)
    stencil = _Stencil(values, masked)
    parts: dict[int, Parts] = {}
    for (template, language, _shape), indexes in groups.items():
        group = [contexts[index] for index in indexes]
        for index, part in zip(indexes, stencil.render(template, language, group), strict=True):
            parts[index] = part
    return [
        _message(draft, addressee, parts[index])
        for index, (draft, addressee) in enumerate(zip(drafts, addressees, strict=True))
    ]


class _Stencil:
    """Renders one group of `render_many` (same template, language and shape)."""

    def __init__(
        self,
        values: dict[str, Callable[[Context], str]],
        masked: Callable[[Context, dict[str, str]], Context],
    ) -> None:
        self.values, self.masked = values, masked
        self.markers = {name: _MARKER.format(number) for number, name in enumerate(values)}

    def fill(self, text: str, context: Context) -> str:
        for name, marker in self.markers.items():
            if marker in text:
                text = text.replace(marker, self.values[name](context))
        return text

    def render(self, template: str, language: str, contexts: list[Context]) -> list[Parts]:
        """(subject, text body, HTML body) of each context."""
        stencil = None
        if len(contexts) > 2 and not _has_html_body(template):
            subject, body_text, _html = _render_parts(
                template, self.masked(contexts[0], self.markers), language
            )
            stencil = subject, body_text
            check = contexts[1]
            if self._filled(stencil, check) != _render_parts(template, check, language):
                logger.warning(
                    "%s: the stencil differs from the message rendered in full; rendering "
                    "each message",
                    template,
                )
                stencil = None
        if stencil is None:
            return [_render_parts(template, context, language) for context in contexts]
        return [self._filled(stencil, context) for context in contexts]

    def _filled(self, stencil: tuple[str, str], context: Context) -> Parts:
        return " ".join(self.fill(stencil[0], context).split()), self.fill(stencil[1], context), ""


def _has_html_body(template: str) -> bool:
    try:
        get_template(f"{template}_body.html")
    except TemplateDoesNotExist:
        return False
    return True


# -- Queueing ---------------------------------------------------------------------------------


def enqueue(message: Message | None = None, /, **fields: Any) -> OutgoingMail:
    """Queue one message once per its key: a `Message` already rendered, or the keywords of
    `render` (key, to, template, context, language, attachments), rendered in the recipient's
    language. A second call with the same key changes nothing and returns the queued row.

    One statement (INSERT ... ON CONFLICT DO NOTHING): registering holds the course lock
    while it queues its message, so the fewer round trips the better.
    """
    message = message or render(**fields)
    columns = _columns([message], timezone.now())
    ids = insert_columns(OutgoingMail, columns, skip_conflicts_on="key")
    if not ids:
        return OutgoingMail.objects.get(key=message.key)
    _dispatch_on_commit(ids)
    return _inserted(ids[0], columns, message.recipient)


def _inserted(
    mail_id: int, columns: dict[str, list[Any]], recipient: PortalUser | None
) -> OutgoingMail:
    """The row just inserted from the first values of `columns`, without reading it back."""
    row = {"id": mail_id, "claimed_at": None, "sent_at": None}
    row.update((name, values[0]) for name, values in columns.items())
    names = [field.attname for field in OutgoingMail._meta.concrete_fields]
    mail = OutgoingMail.from_db(connection.alias, names, [row[name] for name in names])
    if recipient is not None:
        mail.recipient = recipient
    return mail


def enqueue_many(messages: list[Message]) -> int:
    """Queue many rendered messages in one statement per 5,000; keys already queued are
    skipped (ON CONFLICT DO NOTHING), as `enqueue` skips them one by one. Returns how many
    rows were added."""
    fresh: list[Message] = []
    seen: set[str] = set()
    for message in messages:
        if message.key not in seen:
            seen.add(message.key)
            fresh.append(message)
    if not fresh:
        return 0
    ids = insert_columns(OutgoingMail, _columns(fresh, timezone.now()), skip_conflicts_on="key")
    _dispatch_on_commit(ids)
    return len(ids)


def _columns(messages: list[Message], now: datetime) -> dict[str, list[Any]]:
    """The outbox rows of `messages`, a list of values per column (`insert_columns`)."""
    encoded: dict[tuple[Attachment | MadeAttachment, ...], list[dict[str, object]]] = {}

    def attachments(each: tuple[Attachment | MadeAttachment, ...]) -> list[dict[str, object]]:
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


# The ids queued by this thread whose transaction has not committed yet. Every queueing call
# adds its ids and registers the (idempotent) commit hook that sends them all, so a commit
# sends every message of its transaction in batches, and the hook survives whatever savepoint
# rollback keeps its rows; the first hook to run empties the list.
_pending = threading.local()


def _dispatch_on_commit(mail_ids: Iterable[int]) -> None:
    if not hasattr(_pending, "ids"):
        _pending.ids = []
    _pending.ids.extend(mail_ids)
    transaction.on_commit(_flush, robust=True)


def _flush() -> None:
    ids, _pending.ids = getattr(_pending, "ids", []), []
    if not ids:
        return
    # A rolled-back transaction leaves its ids here (its hook never ran); only the rows that
    # exist, still pending, leave.
    due = OutgoingMail.objects.filter(pk__in=ids, status=OutgoingMail.Status.PENDING)
    mail_dispatch(sorted(due.values_list("pk", flat=True)), log=logger)
