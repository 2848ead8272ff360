"""The webhook pages: subscribe (the secret shown once), pause, resume, delete, deliveries
with "send again"; organisers only, and only their own subscriptions."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from tests.factories.accounts import UserFactory
from webhooks.models import WebhookDelivery, WebhookSubscription
from webhooks.services import webhook_subscription_create

pytestmark = pytest.mark.django_db

LIST = reverse("webhooks:subscription-list")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def organiser():
    return UserFactory(roles=[Role.ORGANISER])


@pytest.fixture
def subscription(settings, organiser):
    settings.PORTAL_WEBHOOK_ALLOW_PRIVATE = True
    return webhook_subscription_create(
        owner=organiser, name="HR system", url="http://127.0.0.1:9/", events=["course.changed"]
    )


def test_an_organiser_subscribes_and_sees_the_secret_once(settings, organiser):
    settings.PORTAL_WEBHOOK_ALLOW_PRIVATE = True
    client = client_for(organiser)
    response = client.post(
        LIST,
        {"name": "HR system", "url": "http://127.0.0.1:8001/hooks", "events": ["course.changed"]},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    subscription = WebhookSubscription.objects.get(owner=organiser)
    assert subscription.secret in response.content.decode()
    assert subscription.events == ["course.changed"]
    detail = client.get(reverse("webhooks:subscription-detail", args=[subscription.pk]))
    assert detail.status_code == 200
    assert subscription.secret not in detail.content.decode()
    assert subscription.secret not in client.get(LIST).content.decode()


def test_a_private_address_is_refused_on_the_form_in_chinese(organiser):
    client = client_for(organiser)
    with translation.override("zh-hans"):
        response = client.post(
            LIST,
            {"name": "内网", "url": "http://localhost:8001/", "events": ["course.changed"]},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 400
    assert "属于内网、本机回环或链路本地地址，平台不向此类地址推送。" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_trainees_are_refused_and_others_subscriptions_do_not_exist(subscription):
    assert client_for(UserFactory()).get(LIST).status_code == 403
    other = client_for(UserFactory(roles=[Role.ORGANISER]))
    detail = reverse("webhooks:subscription-detail", args=[subscription.pk])
    assert other.get(detail).status_code == 404
    delete = reverse("webhooks:subscription-delete", args=[subscription.pk])
    assert other.post(delete).status_code == 404
    assert Client().get(detail).status_code == 302


def test_pause_resume_delete(subscription, organiser):
    client = client_for(organiser)
    client.post(reverse("webhooks:subscription-pause", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.status == "paused"
    client.post(reverse("webhooks:subscription-resume", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.status == "active"
    client.post(reverse("webhooks:subscription-delete", args=[subscription.pk]))
    assert not WebhookSubscription.objects.exists()


def test_the_delivery_log_and_send_again(subscription, organiser):
    from django.utils import timezone

    delivery = WebhookDelivery.objects.create(
        key="k",
        subscription=subscription,
        event_type="course.changed",
        resource="course",
        resource_id=7,
        status="failed",
        attempts=1,
        last_status_code=410,
        retry_until=timezone.now(),
    )
    delivery.attempt_log.create(status_code=410, response_excerpt="gone for good")
    client = client_for(organiser)
    page = client.get(reverse("webhooks:subscription-detail", args=[subscription.pk]))
    assert "gone for good" in page.content.decode()
    assert "HTTP 410" in page.content.decode()
    response = client.post(
        reverse("webhooks:delivery-send-again", args=[subscription.pk, delivery.pk])
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending"
