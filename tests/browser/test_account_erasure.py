"""On a phone, a trainee asks for their account to be deleted, sees the banner on every page,
cancels, asks again, and once the cooling-off period is over can no longer sign in, while the
certificate's verification page says it is valid without the holder's details."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from certificates import services as certificate_services
from privacy.models import AccountErasure
from privacy.tasks import erasure_run_task
from tests.browser.portal_pages import PASSWORD, sign_in
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.browser


def _no_sideways_swipe(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]


def test_a_trainee_deletes_their_account_on_a_phone(phone_page, live_server):
    page = phone_page
    organiser = UserFactory(roles=[Role.ORGANISER])
    registration = RegistrationFactory(course=CourseFactory(organisers=[organiser]))
    certificate = certificate_services.certificate_issue(
        course=registration.course, registration_id=registration.pk, by=organiser, reason="结业"
    )
    user = registration.trainee
    sign_in(page, live_server, user)

    page.goto(live_server.url + "/privacy/delete-account/")
    _no_sideways_swipe(page)
    page.get_by_label("您的密码").fill("not-my-password")
    page.locator("#erasure-form button[type=submit]").click()
    assert page.get_by_text("密码不正确，请重新输入。").is_visible()
    page.get_by_label("您的密码").fill(PASSWORD)
    page.locator("#erasure-form button[type=submit]").click()
    page.wait_for_selector("#erasure-pending")

    page.goto(live_server.url + "/")
    assert page.locator("#erasure-banner").is_visible()
    page.locator("#erasure-banner a").click()
    page.get_by_role("button", name="撤回注销").click()
    page.wait_for_load_state()
    assert page.locator("#erasure-banner").count() == 0
    assert not AccountErasure.objects.filter(user=user, status__in=AccountErasure.OPEN).exists()

    page.get_by_label("您的密码").fill(PASSWORD)
    page.locator("#erasure-form button[type=submit]").click()
    page.wait_for_selector("#erasure-pending")
    AccountErasure.objects.filter(user=user).update(due_at=timezone.now() - timedelta(minutes=1))
    assert erasure_run_task() == 1

    page.goto(live_server.url + f"/certificates/verify/{certificate.code}/")
    assert page.locator("#holder-removed").is_visible()
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
