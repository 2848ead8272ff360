"""Attachments of queued messages: given whole, or made when the message is sent by a maker
that the app owning the data registers under a name (the outbox never imports that app)."""

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str

    def as_json(self) -> dict[str, object]:
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

    def as_json(self) -> dict[str, object]:
        return {"made_by": self.made_by, "params": dict(self.params)}


# Name -> callable(**params) returning the Attachment, or None when there is nothing to
# attach any more (the course is gone).
_MAKERS: dict[str, Callable[..., Attachment | None]] = {}

# What the makers made for the messages of one batch, by maker and parameters.
MadeCache: TypeAlias = dict[tuple[str, tuple[tuple[str, Any], ...]], Attachment | None]


def register_attachment_maker(name: str, maker: Callable[..., Attachment | None]) -> None:
    """Register the maker of `MadeAttachment(made_by=name, ...)`; apps do this in `ready()`."""
    _MAKERS[name] = maker


def attachment_contents(
    stored: list[dict[str, Any]], cache: MadeCache | None = None
) -> list[Attachment]:
    """The attachments of a queued message (its `attachments` column), made where needed.

    `cache` (a dict) keeps what was made for the other messages of one batch. A maker's
    failure, or a maker nobody registered, is raised: the message is not sent without what
    it promised to carry (the sender records the reason on the row).
    """
    contents: list[Attachment] = []
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
