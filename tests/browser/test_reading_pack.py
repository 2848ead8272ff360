"""A registered trainee finds a pack document by its number, opens it, goes to the course and
downloads the whole reading pack in one click (progress page, then the file)."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.screenshots import save_screenshot
from tests.courses.packs import Enrollment, build_pack
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"^(?!.*login).*$"))


@pytest.fixture
def enrollment():
    return Enrollment()


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_registered_trainee_finds_a_document_and_downloads_the_reading_pack(
    request, live_server, celery_worker, enrollment, tmp_path, viewport
):
    page = request.getfixturevalue(viewport)
    pack = build_pack()
    trainee = UserFactory()
    enrollment.register(trainee, pack.course)
    _sign_in(page, live_server, trainee.email)

    # The document is for registered trainees of linked courses: found only thanks to the pack.
    page.goto(f"{live_server.url}/documents/")
    page.fill("input[name=q]", "人社部发[2022]14")
    page.locator("form.document-search [type=submit]").click()
    results = page.locator(".document-results li")
    expect(results).to_have_count(1)
    results.first.get_by_role("link", name=pack.trainee_doc.title).click()
    expect(page.locator("h1")).to_have_text(pack.trainee_doc.title)

    page.get_by_role("link", name=pack.course.title).click()
    expect(page.locator("h1")).to_have_text(pack.course.title)
    expect(page.locator("#reading-pack")).to_contain_text("部门配套文件")
    if viewport == "page":
        save_screenshot(page, "trainee-reading-pack", scroll_to="#reading-pack")

    with page.expect_download(timeout=60000) as download_info:
        page.get_by_role("button", name="下载全部文件汇编").click()
    download = download_info.value
    assert download.suggested_filename == f"{pack.course.title}-文件汇编.zip"
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    saved = tmp_path / "pack.zip"
    download.save_as(saved)
    names = zipfile.ZipFile(saved).namelist()
    assert names[:2] == ["00-目录.pdf", "00-目录.html"]
    assert names[2].startswith("01-中办发〔2022〕15号")
    assert len(names) == 6
