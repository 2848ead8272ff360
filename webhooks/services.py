"""Subscriptions (made, paused, resumed, deleted by their owners) and the sending of their
deliveries: signed, retried with backoff for about a day, given up on a refusal, paused
with the owner told when a subscription keeps failing."""

import hashlib
import hmac
import json
import logging
import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import user_is_organiser
from jobs.dispatch import enqueue_on_commit
from notifications import outbox
from webhooks import sending
from webhooks.events import render, retry_window
from webhooks.models import Event, WebhookAttempt, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Portal-Signature"
TIMESTAMP_HEADER = "X-Portal-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the HMAC-SHA256 of `timestamp + "." + body` under `secret`."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


# ---- subscriptions ----------------------------------------------------------------------


def _check_events(events: list[str]) -> list[str]:
    known = set(Event.values)
    chosen = [event for event in Event.values if event in set(events)]
    if not chosen or not set(events) <= known:
        raise ValidationError(_("Choose at least one event."), code="events_required")
    return chosen


def webhook_subscription_create(
    *, owner: User, name: str, url: str, events: list[str]
) -> WebhookSubscription:
    """A new subscription; its secret is in the returned object (show it once)."""
    if not user_is_organiser(owner):
        raise ValidationError(
            _("Only organisers and administrators can subscribe to events."), code="forbidden"
        )
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the subscription a name."), code="name_required")
    sending.url_check(url)
    return WebhookSubscription.objects.create(
        owner=owner,
        name=name,
        url=url.strip(),
        secret=f"whsec_{secrets.token_urlsafe(32)}",
        events=_check_events(events),
    )


def webhook_subscription_pause(*, subscription: WebhookSubscription) -> WebhookSubscription:
    subscription.status = WebhookSubscription.Status.PAUSED
    subscription.paused_reason = _("Paused by its owner.")
    subscription.save(update_fields=["status", "paused_reason"])
    return subscription


@transaction.atomic
def webhook_subscription_resume(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Active again; the address is checked again and what waited is sent now."""
    sending.url_check(subscription.url)
    subscription.status = WebhookSubscription.Status.ACTIVE
    subscription.paused_reason = ""
    subscription.failing_since = None
    subscription.save(update_fields=["status", "paused_reason", "failing_since"])
    now = timezone.now()
    waiting = subscription.deliveries.filter(status=WebhookDelivery.Status.PENDING)
    waiting.update(next_attempt_at=now, retry_until=now + retry_window())
    ids = list(waiting.values_list("pk", flat=True))
    if ids:
        enqueue_on_commit("webhooks.deliver_many", ids, log=logger)
    return subscription


def webhook_subscription_delete(*, subscription: WebhookSubscription) -> None:
    subscription.delete()


@transaction.atomic
def webhook_delivery_send_again(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivered or given-up delivery again, with the same event id and body."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status in (WebhookDelivery.Status.SENT, WebhookDelivery.Status.FAILED):
        now = timezone.now()
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = now
        delivery.retry_until = now + retry_window()
        delivery.save(update_fields=["status", "next_attempt_at", "retry_until"])
        enqueue_on_commit("webhooks.deliver_many", [delivery.pk], log=logger)
    return delivery


# ---- sending --------------------------------------------------------------------------


def _earlier_unsent(delivery: WebhookDelivery) -> bool:
    """An older delivery about the same resource to the same subscription is not through yet:
    events about one resource arrive in the order they happened."""
    return (
        WebhookDelivery.objects.filter(
            subscription_id=delivery.subscription_id,
            resource=delivery.resource,
            resource_id=delivery.resource_id,
            status__in=(WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING),
        )
        .filter(created_at__lte=delivery.created_at, pk__lt=delivery.pk)
        .exists()
    )


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take a due pending delivery of an active subscription; None when another worker has
    it, it is not due, or it waits for an earlier one."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .filter(
                pk=delivery_id,
                status=WebhookDelivery.Status.PENDING,
                next_attempt_at__lte=now,
                subscription__status=WebhookSubscription.Status.ACTIVE,
            )
            .first()
        )
        if delivery is None or _earlier_unsent(delivery):
            return None
        if not delivery.body:
            delivery.body = _body(delivery)
        delivery.status = WebhookDelivery.Status.SENDING
        delivery.claimed_at = now
        delivery.attempts += 1
        delivery.save(update_fields=["body", "status", "claimed_at", "attempts"])
    return delivery


def _body(delivery: WebhookDelivery) -> str:
    payload = {
        "id": str(delivery.event_id),
        "type": delivery.event_type,
        "created": delivery.occurred_at.isoformat(),
        "resource": delivery.resource,
        "data": render(delivery.resource, delivery.resource_id)
        or {"id": delivery.resource_id, "deleted": True},
    }
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False)


def _headers(delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    timestamp = str(int(timezone.now().timestamp()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "TrainingPortal-Webhooks/1",
        "X-Portal-Event": delivery.event_type,
        "X-Portal-Event-Id": str(delivery.event_id),
        "X-Portal-Delivery": str(delivery.pk),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(delivery.subscription.secret, timestamp, body),
    }


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes, at most 4 hours between attempts."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 240))


def _give_up(status_code: int | None) -> bool:
    return status_code is not None and 400 <= status_code < 500 and status_code != 429


def webhook_deliver(*, delivery_id: int) -> str:
    """Send one delivery if it is due; returns what became of it."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    body = delivery.body.encode()
    headers = _headers(delivery, body)
    answer = sending.post(delivery.subscription.url, body, headers)
    request_excerpt = "\n".join(f"{k}: {v}" for k, v in headers.items()) + "\n\n" + delivery.body
    WebhookAttempt.objects.create(
        delivery=delivery,
        address=answer.address,
        request_excerpt=request_excerpt[: sending.EXCERPT],
        status_code=answer.status_code,
        response_excerpt=answer.body,
        error=answer.error,
    )
    return _record(delivery, answer)


def _record(delivery: WebhookDelivery, answer: sending.Answer) -> str:
    now = timezone.now()
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error
    delivered = answer.status_code is not None and 200 <= answer.status_code < 300
    if delivered:
        delivery.status = WebhookDelivery.Status.SENT
        delivery.sent_at = now
    elif _give_up(answer.status_code) or now + backoff(delivery.attempts) > delivery.retry_until:
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save(
        update_fields=["status", "sent_at", "next_attempt_at", "last_status_code", "last_error"]
    )
    _subscription_health(delivery.subscription, delivered, now)
    if delivered:
        _release_next(delivery)
    return str(delivery.status)


def _release_next(delivery: WebhookDelivery) -> None:
    """The next delivery about the same resource, which waited for this one, goes now."""
    following = (
        WebhookDelivery.objects.filter(
            subscription_id=delivery.subscription_id,
            resource=delivery.resource,
            resource_id=delivery.resource_id,
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        enqueue_on_commit("webhooks.deliver_many", [following], log=logger)


def pause_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "PORTAL_WEBHOOK_PAUSE_SECONDS", 24 * 3600))


@transaction.atomic
def _subscription_health(subscription: WebhookSubscription, delivered: bool, now: datetime) -> None:
    """A success clears the failure clock; failing for `pause_after()` pauses the subscription
    and tells its owner by e-mail."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if delivered:
        if subscription.failing_since is not None:
            subscription.failing_since = None
            subscription.save(update_fields=["failing_since"])
        return
    if subscription.failing_since is None:
        subscription.failing_since = now
        subscription.save(update_fields=["failing_since"])
        return
    if (
        subscription.status == WebhookSubscription.Status.ACTIVE
        and now - subscription.failing_since >= pause_after()
    ):
        subscription.status = WebhookSubscription.Status.PAUSED
        subscription.paused_reason = _("Paused after failing for a day.")
        subscription.save(update_fields=["status", "paused_reason"])
        _tell_owner(subscription)


def _tell_owner(subscription: WebhookSubscription) -> None:
    site = settings.PORTAL_SITE_URL.rstrip("/")
    outbox.enqueue(
        key=f"webhook:{subscription.pk}:paused:{uuid.uuid4().hex}",
        to=subscription.owner,
        template="webhooks/mail/paused",
        context={
            "subscription_name": subscription.name,
            "subscription_url": subscription.url,
            "page_url": site + reverse("webhooks:subscription-detail", args=[subscription.pk]),
        },
    )


def webhook_sweep(*, limit: int = 500) -> list[int]:
    """Release deliveries stuck in `sending`; the ids of pending ones that are due."""
    now = timezone.now()
    stale = now - timedelta(seconds=120)
    WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.SENDING, claimed_at__lt=stale
    ).update(status=WebhookDelivery.Status.PENDING, next_attempt_at=now)
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
            subscription__status=WebhookSubscription.Status.ACTIVE,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def webhook_deliver_many(*, delivery_ids: list[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for delivery_id in sorted(delivery_ids):
        outcome = webhook_deliver(delivery_id=delivery_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
