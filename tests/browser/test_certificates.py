"""A trainee downloads their certificate from "My courses" and the QR code printed on it opens
the public verification page; an organiser issues and revokes by hand and downloads all as a ZIP."""

import io
import zipfile

import pytest
import zxingcpp
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.roles import Role
from certificates import services
from certificates.models import Certificate
from tests.browser.screenshots import save_screenshot
from tests.browser.test_courses import sign_in
from tests.certificates.conftest import A, L, P, make_finished_course, mark, rule
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


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_an_organiser_issues_and_revokes_by_hand_and_downloads_all_as_one_zip(
    request, live_server, celery_worker, tmp_path, viewport
):
    page = request.getfixturevalue(viewport)
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = make_finished_course(organiser)
    rule(course, organiser)
    attended = RegistrationFactory(course=course, full_name="欧阳明月")
    mark(attended, [P] * 10)
    missed = RegistrationFactory(course=course, full_name="诸葛亮亮")
    mark(missed, [P, P, P] + [A] * 7)
    assert services.certificate_issue_for_course(course_id=course.pk) == 1

    sign_in(page, live_server, organiser)
    page.goto(f"{live_server.url}/certificates/course/{course.pk}/")
    missed_row = page.locator(f".certificate-row[data-registration='{missed.pk}']")
    expect(missed_row).to_contain_text("30 %")
    missed_row.locator(".certificate-issue input[name=reason]").fill("因公出差，已补课")
    missed_row.locator(".certificate-issue button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(missed_row.locator(".certificate-status")).to_contain_text("因公出差，已补课")

    attended_row = page.locator(f".certificate-row[data-registration='{attended.pk}']")
    attended_row.locator(".certificate-revoke input[name=reason]").fill("出勤记录有误")
    attended_row.locator(".certificate-revoke button").click()
    expect(attended_row.locator(".certificate-status")).to_contain_text("出勤记录有误")
    assert Certificate.objects.get(registration=attended).status == "revoked"
    if viewport == "page":
        save_screenshot(page, "organiser-certificates")

    with page.expect_download(timeout=60000) as download_info:
        page.locator("#certificate-archive").click()
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    saved = tmp_path / "all.zip"
    download_info.value.save_as(saved)
    names = zipfile.ZipFile(saved).namelist()
    assert len(names) == 1 and "诸葛亮亮" in names[0]


def test_a_finished_course_survey_then_certificate_download_and_verification(
    page, phone_page, live_server, settings, tmp_path
):
    """The whole end of a course, as the two people do it: the rule asks for the survey; the
    trainee answers it on a phone; the organiser issues; the trainee downloads the PDF and its
    QR code opens the verification page."""
    from feedback import services as feedback

    settings.PORTAL_SITE_URL = live_server.url
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = make_finished_course(organiser, sessions=1)
    rule(course, organiser, require_feedback=True)
    survey = feedback.survey_save(
        user=organiser, course=course, intro="", open_days=7, anonymous=True
    )
    feedback.survey_template_apply(user=organiser, survey=survey)
    registration = RegistrationFactory(
        course=course, trainee=UserFactory(full_name="上官婉儿"), full_name="上官婉儿"
    )
    mark(registration, [P])

    sign_in(page, live_server, organiser)
    page.goto(f"{live_server.url}/certificates/course/{course.pk}/")
    row = page.locator(f".certificate-row[data-registration='{registration.pk}']")
    expect(row).to_contain_text("未提交评估问卷")

    phone = phone_page
    sign_in(phone, live_server, registration.trainee)
    phone.goto(live_server.url + "/enrollment/mine/")
    card = phone.locator(f".registration-card[data-registration='{registration.pk}']")
    card.get_by_role("link", name="培训评估").click()
    form = phone.locator("#survey-form")
    form.locator("input[type=radio][value='5']").first.check()  # overall
    form.locator("input[type=radio][value='4']").nth(1).check()  # the session
    form.get_by_label("合适").check()
    form.get_by_label("案例分析").check()
    form.get_by_role("button", name="提交问卷").click()
    phone.locator("#survey-done").wait_for()

    page.reload()
    expect(row).not_to_contain_text("未提交评估问卷")
    page.get_by_role("button", name="立即发放").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(row.locator(".certificate-status")).to_contain_text("已发放")
    certificate = Certificate.objects.get(registration=registration)

    phone.goto(live_server.url + "/enrollment/mine/")
    with phone.expect_download() as download_info:
        card.get_by_role("link", name="我的结业证书").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.suffix == ".pdf" and saved.read_bytes().startswith(b"%PDF")
    pdf = PdfReader(saved).pages[0]
    assert "上官婉儿" in pdf.extract_text()
    [url] = [r.text for image in pdf.images for r in zxingcpp.read_barcodes(image.image)]
    assert url == f"{live_server.url}/certificates/verify/{certificate.code}/"

    phone.goto(url)  # the camera of whoever checks the paper
    result = phone.locator("#verify-result")
    assert result.get_attribute("data-result") == "valid"
    assert "有效" in result.inner_text()
