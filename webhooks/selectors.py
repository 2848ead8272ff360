from django.db.models import QuerySet

from accounts.models import User
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


def webhook_subscription_list_for(user: User) -> QuerySet[WebhookSubscription]:
    """The subscriptions a person manages: their own."""
    return WebhookSubscription.objects.filter(owner=user)


def webhook_delivery_list_for(subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return subscription.deliveries.order_by("-created_at", "-pk")


def webhook_attempt_list_for(deliveries: list[WebhookDelivery]) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(delivery__in=deliveries).order_by("-at", "-pk")
