"""On a phone, an organiser subscribes a receiver to events, copies the secret shown once,
and finds a delivery's answer and "send again" without a sideways swipe."""

import pytest
from django.utils import timezone

from accounts.roles import Role
from tests.browser.portal_pages import sign_in
from tests.factories.accounts import UserFactory
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_an_organiser_subscribes_on_a_phone(phone_page, live_server, settings):
    settings.PORTAL_WEBHOOK_ALLOW_PRIVATE = True
    organiser = UserFactory(roles=[Role.ORGANISER])
    page = phone_page
    sign_in(page, live_server, organiser)
    page.goto(live_server.url + "/webhooks/")
    _fits(page)
    page.get_by_label("名称").fill("人事系统")
    page.get_by_label("接收地址（URL）").fill("http://127.0.0.1:9/hooks")
    page.get_by_role("button", name="订阅", exact=True).click()
    secret = page.locator("#webhook-secret")
    secret.wait_for()
    subscription = WebhookSubscription.objects.get(owner=organiser)
    assert secret.inner_text().strip() == subscription.secret
    _fits(page)
    WebhookDelivery.objects.create(
        key="browser",
        subscription=subscription,
        event_type="registration.created",
        resource="registration",
        resource_id=1,
        status="failed",
        attempts=1,
        last_status_code=410,
        retry_until=timezone.now(),
    ).attempt_log.create(status_code=410, response_excerpt="gone " * 200)
    page.get_by_role("link", name="查看推送记录").click()
    page.get_by_role("button", name="重新推送").wait_for()
    _fits(page)
    page.get_by_role("button", name="重新推送").click()
    page.get_by_text("该事件将重新推送。").wait_for()
    assert WebhookDelivery.objects.get().status == "pending"
