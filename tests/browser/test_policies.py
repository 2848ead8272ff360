import datetime
import re

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from policies.models import DocumentFile
from policies.services import document_file_add
from tests.factories.accounts import UserFactory
from tests.factories.policies import IssuingAuthorityFactory, PolicyDocumentFactory
from tests.policies.files import pdf_bytes, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"^(?!.*login).*$"))


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_trainee_finds_a_document_by_number_opens_and_downloads_it(
    request, live_server, settings, tmp_path, viewport
):
    settings.MEDIA_ROOT = tmp_path
    page = request.getfixturevalue(viewport)
    pilot = PolicyDocumentFactory(
        number="发改振兴〔2015〕2103号",
        title="老工业基地产业转型技术技能人才双元培育改革试点方案",
        issue_date=datetime.date(2015, 9, 21),
        authorities=[
            IssuingAuthorityFactory(name_zh="国家发展和改革委员会"),
            IssuingAuthorityFactory(name_zh="教育部"),
        ],
    )
    PolicyDocumentFactory(title="关于加强新时代高技能人才队伍建设的意见")
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    document_file_add(
        document_id=pilot.pk,
        by=admin,
        kind=DocumentFile.Kind.ORIGINAL,
        upload=upload("双元培育试点方案.pdf", pdf_bytes("双元培育")),
    )
    trainee = UserFactory()
    _sign_in(page, live_server, trainee.email)

    page.goto(f"{live_server.url}/documents/")
    page.fill("input[name=q]", "[2015]2103")
    page.locator("form.document-search [type=submit]").click()
    results = page.locator(".document-results li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("发改振兴〔2015〕2103号")
    expect(results.first).to_contain_text("国家发展和改革委员会、教育部")

    results.first.get_by_role("link", name=pilot.title).click()
    expect(page.locator("h1")).to_have_text(pilot.title)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载").click()
    download = download_info.value
    assert download.suggested_filename == "双元培育试点方案.pdf"
    assert download.path().read_bytes().startswith(b"%PDF-")
    stored = pilot.files.get()
    assert stored.download_count == 1
