"""A trainee downloads their certificate from "My courses"; the QR code printed on it opens
the public verification page, which confirms it."""

import io

import pytest
import zxingcpp
from pypdf import PdfReader

from certificates import services
from certificates.models import Certificate
from tests.browser.test_courses import sign_in
from tests.certificates.conftest import L, P, make_finished_course, mark, rule
from tests.factories.accounts import UserFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_a_trainee_downloads_a_certificate_and_the_qr_code_verifies_it(
    request, live_server, settings, tmp_path, viewport
):
    settings.PORTAL_SITE_URL = live_server.url
    page = request.getfixturevalue(viewport)
    organiser = UserFactory()
    course = make_finished_course(organiser)
    rule(course, organiser)
    registration = RegistrationFactory(
        course=course, trainee=UserFactory(full_name="司马光明"), full_name="司马光明"
    )
    mark(registration, [P, P, L, P, P, P, P, P, P, P])
    assert services.certificate_issue_for_course(course_id=course.pk) == 1
    certificate = Certificate.objects.get()

    sign_in(page, live_server, registration.trainee)
    page.goto(live_server.url + "/enrollment/mine/")
    card = page.locator(f".registration-card[data-registration='{registration.pk}']")
    with page.expect_download() as download_info:
        card.locator(".certificate-link").click()
    saved = tmp_path / "certificate.pdf"
    download_info.value.save_as(saved)
    assert download_info.value.suggested_filename.endswith(".pdf")

    pdf = PdfReader(io.BytesIO(saved.read_bytes())).pages[0]
    assert "司马光明" in pdf.extract_text()
    [url] = [r.text for image in pdf.images for r in zxingcpp.read_barcodes(image.image)]
    assert url == f"{live_server.url}/certificates/verify/{certificate.code}/"

    page.goto(url)
    result = page.locator("#verify-result")
    assert result.get_attribute("data-result") == "valid"
    assert "司马光明" not in page.locator("main").inner_text()
    # Whoever holds the paper checks the name printed on it.
    page.locator("#id_name").fill("司马光明")
    page.locator("#name-check-form button[type=submit]").click()
    assert page.locator("#name-result").get_attribute("data-name-match") == "yes"
    assert page.locator("#verify-result").get_attribute("data-result") == "valid"

    # Typing the number into the form gives the same answer.
    page.goto(live_server.url + "/certificates/verify/")
    page.locator("#id_code").fill(certificate.code.lower())
    page.locator("#verify-form button[type=submit]").click()
    assert page.locator("#verify-result").get_attribute("data-result") == "valid"
