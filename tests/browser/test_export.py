"""An administrator requests a spreadsheet, watches its progress and downloads it."""

import pytest
from openpyxl import load_workbook

from accounts.roles import Role
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.browser


def _login(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")


def test_administrator_exports_people_and_downloads_the_file(
    page, live_server, celery_worker, tmp_path
):
    admin = UserFactory(roles=[Role.ADMINISTRATOR], full_name="管理员甲")
    UserFactory.create_batch(30)
    _login(page, live_server, admin)

    page.get_by_role("button", name="管理员甲").click()
    page.get_by_role("link", name="我的导出").click()
    page.get_by_role("button", name="生成电子表格").click()

    download_button = page.get_by_role("link", name="下载电子表格")
    download_button.wait_for(state="visible", timeout=30000)
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    with page.expect_download() as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = load_workbook(saved).active
    assert sheet["A1"].value == "姓名"
    assert sheet.max_row == 32  # header, the administrator and 30 people
