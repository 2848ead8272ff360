"""Webhook subscriptions and their deliveries: an outbox of HTTP calls to other systems."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Event(models.TextChoices):
    """The events a subscription may ask for (the `type` of a delivery's body)."""

    REGISTRATION_CREATED = "registration.created", _("Registration created")
    REGISTRATION_CHANGED = "registration.changed", _("Registration changed")
    COURSE_PUBLISHED = "course.published", _("Course published")
    COURSE_CHANGED = "course.changed", _("Course changed")
    COURSE_CANCELLED = "course.cancelled", _("Course cancelled")


class WebhookSubscription(models.Model):
    """A URL that hears about events: of the owner's courses, or of every course when the
    owner is an administrator (decided when each event happens)."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("webhook", "Active")
        PAUSED = "paused", pgettext_lazy("webhook", "Paused")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
    )
    name = models.CharField(pgettext_lazy("webhook", "name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    # Kept readable: every delivery is signed with it. Shown to its owner once.
    secret = models.CharField(_("secret"), max_length=100)
    events = ArrayField(
        models.CharField(max_length=40, choices=Event.choices), verbose_name=_("events")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    paused_reason = models.CharField(_("reason paused"), max_length=200, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        indexes = [models.Index(fields=["status"], name="webhook_sub_status")]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"


class WebhookDelivery(models.Model):
    """One event for one subscription: the outbox row, written in the transaction of the
    change it reports; its body is made at the first attempt and sent unchanged after that.

    Delivery is at-least-once: a receiver should ignore an event id it has seen."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", pgettext_lazy("webhook delivery", "Delivered")
        FAILED = "failed", pgettext_lazy("webhook delivery", "Given up")

    key = models.CharField(pgettext_lazy("outgoing mail", "key"), max_length=200, unique=True)
    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("webhook subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4)
    event_type = models.CharField(_("event"), max_length=40, choices=Event.choices)
    resource = models.CharField(_("resource"), max_length=40)
    resource_id = models.BigIntegerField(_("resource id"))
    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now)
    body = models.TextField(pgettext_lazy("webhook", "body"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    retry_until = models.DateTimeField(_("retried until"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(
        pgettext_lazy("webhook delivery", "delivered"), null=True, blank=True
    )
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(
                fields=["subscription", "resource", "resource_id", "created_at"],
                name="webhook_per_resource",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.resource}:{self.resource_id}"


class WebhookAttempt(models.Model):
    """One HTTP call of a delivery, with excerpts of what was sent and answered."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("webhook delivery"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    at = models.DateTimeField(pgettext_lazy("webhook attempt", "time"), default=timezone.now)
    address = models.CharField(_("address"), max_length=64, blank=True)
    request_excerpt = models.TextField(_("request"), blank=True)
    status_code = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"
