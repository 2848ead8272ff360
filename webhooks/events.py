"""Events into the webhook outbox, written in the transaction of the change they report.

The webhooks app knows nothing of courses: the apps above it say what happened
(`webhook_emit`), the API registers how each resource is shown (`register_resource`, the
API's own representation) and who organises a course (`register_course_organisers`).
"""

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from jobs.dispatch import enqueue_on_commit
from webhooks.models import Event, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

# resource name -> its representation by id (None when it is gone)
Renderer = Callable[[int], dict[str, Any] | None]
# course ids -> (course id, organiser's user id) pairs
OrganiserLookup = Callable[[set[int]], Iterable[tuple[int, int]]]

# Deliveries per task: each call may wait its timeout, so a task stays inside its time limit.
BATCH_SIZE = 20

_renderers: dict[str, Renderer] = {}
_organisers: list[OrganiserLookup] = []


def register_resource(resource: str, renderer: Renderer) -> None:
    _renderers[resource] = renderer


def register_course_organisers(lookup: OrganiserLookup) -> None:
    _organisers[:] = [lookup]


def render(resource: str, resource_id: int) -> dict[str, Any] | None:
    renderer = _renderers.get(resource)
    return renderer(resource_id) if renderer is not None else None


@dataclass(frozen=True)
class Occurrence:
    """Something that happened to a resource of a course; `key` is unique per occurrence
    (a second emit with the same key writes nothing)."""

    event: Event
    resource: str
    resource_id: int
    course_id: int
    key: str = field(default_factory=lambda: uuid.uuid4().hex)


def retry_window() -> timedelta:
    return timedelta(seconds=getattr(settings, "PORTAL_WEBHOOK_RETRY_SECONDS", 24 * 3600))


def _listeners(occurrences: list[Occurrence]) -> list[WebhookSubscription]:
    administrators = Role.ADMINISTRATOR.value
    return list(
        # A paused subscription collects its events too: they are sent when it is resumed.
        WebhookSubscription.objects.filter(
            events__overlap=sorted({str(o.event) for o in occurrences}),
        ).annotate(
            for_everything=Exists(
                User.groups.through.objects.filter(
                    user_id=OuterRef("owner_id"), group__name=administrators
                )
            )
            | Q(owner__is_superuser=True)
        )
    )


def _everything(subscription: WebhookSubscription) -> bool:
    """The owner is an administrator: every course's events (annotated by `_listeners`)."""
    return bool(getattr(subscription, "for_everything", False))


def webhook_emit(occurrences: Iterable[Occurrence]) -> list[int]:
    """Write a delivery per occurrence and subscription that hears of it; send them once the
    transaction commits. One query when nobody subscribes to these events."""
    occurrences = list(occurrences)
    if not occurrences:
        return []
    subscriptions = _listeners(occurrences)
    if not subscriptions:
        return []
    organised: set[tuple[int, int]] = set()
    if _organisers and any(not _everything(sub) for sub in subscriptions):
        organised = set(_organisers[0]({o.course_id for o in occurrences}))
    now = timezone.now()
    rows = [
        WebhookDelivery(
            key=f"{o.key}:{sub.pk}",
            subscription=sub,
            event_id=uuid.uuid5(uuid.NAMESPACE_URL, f"portal:{o.key}"),
            event_type=o.event,
            resource=o.resource,
            resource_id=o.resource_id,
            occurred_at=now,
            next_attempt_at=now,
            retry_until=now + retry_window(),
        )
        for o in occurrences
        for sub in subscriptions
        if str(o.event) in sub.events
        and (_everything(sub) or (o.course_id, sub.owner_id) in organised)
    ]
    if not rows:
        return []
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        WebhookDelivery.objects.filter(
            key__in=[row.key for row in rows], status=WebhookDelivery.Status.PENDING
        ).values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH_SIZE):
        enqueue_on_commit("webhooks.deliver_many", ids[start : start + BATCH_SIZE], log=logger)
    return ids
