"""Pages for organisers and administrators: subscribe a URL to events (the secret shown
once), pause, resume or delete it, see its deliveries and send one again."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounts.roles import user_is_organiser
from portal.access import RoleRequiredMixin, ScopedObjectMixin
from portal.auth_types import signed_in
from portal.views_base import ServiceActionView, ServiceFormView
from webhooks import selectors, services
from webhooks.forms import WebhookSubscriptionForm
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

DELIVERIES_SHOWN = 50


class _Organisers(RoleRequiredMixin):
    role_refusal = gettext_lazy("Only organisers and administrators can subscribe to events.")

    def has_role(self, user) -> bool:
        return user_is_organiser(user)


class WebhookListView(_Organisers, ServiceFormView):
    template_name = "webhooks/subscription_list.html"
    form_class = WebhookSubscriptionForm
    invalid_status = 400
    error_fields = {
        "name_required": "name",
        "events_required": "events",
        "url_scheme": "url",
        "url_credentials": "url",
        "url_port": "url",
        "url_dns": "url",
        "url_private": "url",
    }

    def get_context_data(self, **kwargs) -> dict:
        user = signed_in(self.request)
        return {**kwargs, "subscriptions": selectors.webhook_subscription_list_for(user)}

    def run_service(self, form) -> WebhookSubscription:
        return services.webhook_subscription_create(
            owner=signed_in(self.request),
            name=form.cleaned_data["name"],
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
        )

    def succeeded(self, result: WebhookSubscription) -> HttpResponse:
        # The secret is shown on this one answer and never again: no redirect, no cache.
        response = render(self.request, "webhooks/subscription_created.html", {"new": result})
        response["Cache-Control"] = "no-store"
        return response


class _OwnSubscription(ScopedObjectMixin):
    def look_up(self, **kwargs) -> None:
        self.subscription = get_object_or_404(
            selectors.webhook_subscription_list_for(signed_in(self.request)), pk=kwargs["pk"]
        )


class WebhookDetailView(_OwnSubscription, TemplateView):
    template_name = "webhooks/subscription_detail.html"

    def get_context_data(self, **kwargs) -> dict:
        deliveries = list(selectors.webhook_delivery_list_for(self.subscription)[:DELIVERIES_SHOWN])
        attempts: dict[int, list[WebhookAttempt]] = {}
        for attempt in selectors.webhook_attempt_list_for(deliveries):
            attempts.setdefault(attempt.delivery_id, []).append(attempt)
        return {
            **super().get_context_data(**kwargs),
            "subscription": self.subscription,
            "deliveries": [(delivery, attempts.get(delivery.pk, [])) for delivery in deliveries],
            "resendable": (WebhookDelivery.Status.SENT, WebhookDelivery.Status.FAILED),
        }


class _SubscriptionAction(_OwnSubscription, ServiceActionView):
    def get_success_url(self, result) -> str:
        return reverse("webhooks:subscription-detail", args=[self.subscription.pk])


class WebhookPauseView(_SubscriptionAction):
    def run_service(self):
        return services.webhook_subscription_pause(subscription=self.subscription)

    def get_success_message(self, result) -> str:
        return _("The subscription is paused: events wait until you resume it.")


class WebhookResumeView(_SubscriptionAction):
    def run_service(self):
        return services.webhook_subscription_resume(subscription=self.subscription)

    def get_success_message(self, result) -> str:
        return _("The subscription is active again; waiting events are being sent.")


class WebhookDeleteView(_SubscriptionAction):
    def run_service(self):
        return services.webhook_subscription_delete(subscription=self.subscription)

    def get_success_message(self, result) -> str:
        return _("The subscription “%(name)s” is deleted.") % {"name": self.subscription.name}

    def get_success_url(self, result) -> str:
        return reverse("webhooks:subscription-list")


class WebhookSendAgainView(_SubscriptionAction):
    def look_up(self, **kwargs) -> None:
        super().look_up(**kwargs)
        self.delivery = get_object_or_404(
            selectors.webhook_delivery_list_for(self.subscription), pk=kwargs["delivery"]
        )

    def run_service(self):
        return services.webhook_delivery_send_again(delivery=self.delivery)

    def get_success_message(self, result) -> str:
        return _("The event will be sent again.")
