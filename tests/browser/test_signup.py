"""A newcomer signs up, verifies the address through the e-mail that arrived, signs in and
switches the language."""

import re

import pytest

from tests.factories.accounts import region
from tests.fixtures.smtp import body_text

pytestmark = pytest.mark.browser


def test_signup_verify_login_and_switch_language(page, live_server, celery_worker, smtp_sink):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.get_by_role("link", name="注册").first.click()

    page.get_by_label("电子邮件").fill("zhao.liu@example.cn")
    page.get_by_label("姓名").fill("赵六")
    page.get_by_label("所在单位").fill("浙江省人力资源和社会保障厅")
    page.get_by_label("单位类型").select_option("provincial_department")
    page.get_by_label("地区").select_option(str(region("33").pk))
    page.get_by_label("手机号码").fill("13612345678")
    page.locator("#id_password1").fill("a-long-enough-passphrase-2026")
    page.locator("#id_password2").fill("a-long-enough-passphrase-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")

    (message,) = smtp_sink.wait_for(1)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body_text(message)).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    page.goto(live_server.url + path)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/")

    page.locator("#id_login").fill("zhao.liu@example.cn")
    page.locator("#id_password").fill("a-long-enough-passphrase-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("button", name="赵六").count() + page.get_by_text("赵六").count() > 0

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Training courses")
    # The choice is kept in the profile: a new visit is in English too.
    page.goto(live_server.url + "/accounts/profile/")
    assert page.get_by_role("heading", name="My profile").is_visible()
