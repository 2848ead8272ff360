"""Issuing and revoking, who may do what, the PDF, its QR code, verification and the ZIP."""

import io
import zipfile
from decimal import Decimal

import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from accounts.roles import Role
from audit.models import AuditEvent
from certificates import selectors, services
from certificates.models import CODE_LENGTH, Certificate, CertificateArchive
from certificates.pdf import verification_url
from tests.certificates.conftest import A, P, make_finished_course, mark, rule
from tests.factories.accounts import UserFactory
from tests.factories.enrollment import RegistrationFactory
from tests.pdfs import assert_fonts_embedded

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(course):
    registration = RegistrationFactory(course=course)
    mark(registration, [P, P, P, A, A, A, A, A, A, A])
    return registration


def _issue_all(course):
    return services.certificate_issue_for_course(course_id=course.pk)


def test_issuing_gives_one_certificate_to_each_who_qualifies_and_running_again_adds_none(
    course, organiser, trainee, failing
):
    rule(course, organiser)
    assert _issue_all(course) == 1
    assert _issue_all(course) == 0
    certificate = Certificate.objects.get()
    assert certificate.registration == trainee
    assert certificate.trainee_name == "欧阳明月"
    assert certificate.attendance_percent == 90
    assert certificate.hours == 12  # 8 lectures attended × 1.5 learning hours; the opening 0
    assert len(certificate.code) == CODE_LENGTH
    assert not Certificate.objects.filter(registration=failing).exists()


def test_codes_are_long_random_and_distinct(course, organiser):
    rule(course, organiser, min_attendance_percent=0)
    for _ in range(20):
        RegistrationFactory(course=course)
    _issue_all(course)
    codes = list(Certificate.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 20
    assert all(len(code) == CODE_LENGTH and code.isalnum() for code in codes)


def test_a_course_that_has_not_finished_issues_nothing(organiser):
    from django.utils import timezone

    course = make_finished_course(organiser)
    course.ends_on = timezone.localdate()
    course.save()
    with pytest.raises(ValidationError) as excinfo:
        _issue_all(course)
    assert excinfo.value.code == "not_finished"


def test_a_revoked_certificate_is_not_issued_again_by_the_rule(course, organiser, trainee):
    rule(course, organiser)
    _issue_all(course)
    certificate = Certificate.objects.get()
    services.certificate_revoke(
        course=course, certificate_id=certificate.pk, by=organiser, reason="出勤记录有误"
    )
    assert _issue_all(course) == 0
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED


def test_manual_issue_and_revoke_need_a_reason_and_are_audited(course, organiser, failing):
    with pytest.raises(ValidationError) as excinfo:
        services.certificate_issue(
            course=course, registration_id=failing.pk, by=organiser, reason="  "
        )
    assert excinfo.value.code == "reason_required"
    certificate = services.certificate_issue(
        course=course, registration_id=failing.pk, by=organiser, reason="因公请假，经批准补课"
    )
    assert certificate.is_valid and certificate.issued_by == organiser
    with pytest.raises(ValidationError) as excinfo:
        services.certificate_issue(
            course=course, registration_id=failing.pk, by=organiser, reason="again"
        )
    assert excinfo.value.code == "already_issued"
    issued = AuditEvent.objects.get(action="certificate.issued")
    assert issued.actor == organiser
    assert issued.details["reason"] == "因公请假，经批准补课"
    assert issued.details["meets_rule"] is False

    with pytest.raises(ValidationError) as excinfo:
        services.certificate_revoke(
            course=course, certificate_id=certificate.pk, by=organiser, reason=""
        )
    assert excinfo.value.code == "reason_required"
    services.certificate_revoke(
        course=course, certificate_id=certificate.pk, by=organiser, reason="补课未完成"
    )
    revoked = AuditEvent.objects.get(action="certificate.revoked")
    assert revoked.details["reason"] == "补课未完成"
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_by == organiser

    # Issuing again reinstates the same certificate (its printed code stays good).
    again = services.certificate_issue(
        course=course, registration_id=failing.pk, by=organiser, reason="补课已完成"
    )
    assert again.pk == certificate.pk and again.code == certificate.code and again.is_valid
    assert AuditEvent.objects.filter(action="certificate.issued").count() == 2


def test_only_confirmed_trainees_get_a_certificate_by_hand(course, organiser):
    waiting = RegistrationFactory(course=course, status="waitlisted")
    with pytest.raises(ValidationError) as excinfo:
        services.certificate_issue(
            course=course, registration_id=waiting.pk, by=organiser, reason="x"
        )
    assert excinfo.value.code == "not_confirmed"


# Views and permissions ------------------------------------------------------------------


@pytest.fixture
def issued(course, organiser, trainee):
    rule(course, organiser)
    _issue_all(course)
    return Certificate.objects.get(registration=trainee)


def test_organiser_page_lists_who_qualifies_and_why_not(
    client, course, organiser, trainee, failing, issued, django_assert_max_num_queries
):
    client.force_login(organiser)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("certificates:certificate-manage", args=[course.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "欧阳明月" in html and "90 %" in html
    assert "30 %" in html  # the failing trainee's attendance, with the reason
    assert "出勤率未达到要求" in html
    assert 'data-hours="12"' in html  # the learning hours each trainee earned


def test_organiser_issues_and_revokes_through_the_page(client, course, organiser, failing):
    client.force_login(organiser)
    url = reverse("certificates:certificate-issue", args=[course.pk, failing.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 302
    assert not Certificate.objects.exists()
    client.post(url, {"reason": "补课合格"})
    certificate = Certificate.objects.get(registration=failing)
    revoke = reverse("certificates:certificate-revoke", args=[course.pk, certificate.pk])
    client.post(revoke, {"reason": "材料不实"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED


def test_issue_now_button_issues_by_the_rule_and_is_audited(client, course, organiser, trainee):
    rule(course, organiser)
    client.force_login(organiser)
    response = client.post(reverse("certificates:certificate-issue-all", args=[course.pk]))
    assert response.status_code == 302
    assert Certificate.objects.filter(registration=trainee).exists()
    event = AuditEvent.objects.get(action="certificates.issued_by_rule")
    assert event.actor == organiser
    assert event.target_id == str(course.pk)
    assert event.details == {"new_certificates": 1}
    # The automatic run records nothing: nobody asked for it.
    assert _issue_all(course) == 0
    assert AuditEvent.objects.filter(action="certificates.issued_by_rule").count() == 1


def test_rule_form_saves_the_rule(client, course, organiser):
    opening = course.sessions.get(kind="opening")
    client.force_login(organiser)
    response = client.post(
        reverse("certificates:certificate-manage", args=[course.pk]),
        {
            "auto_issue": "on",
            "min_attendance_percent": "75",
            "count_excused": "on",
            "required_sessions": [str(opening.pk)],
        },
    )
    assert response.status_code == 302
    saved = course.certificate_rule
    assert saved.min_attendance_percent == 75 and saved.count_excused
    assert list(saved.required_sessions.all()) == [opening]
    response = client.post(
        reverse("certificates:certificate-manage", args=[course.pk]),
        {"min_attendance_percent": "101"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["other_organiser", "trainee", "checkin", "anonymous"])
def test_strangers_cannot_manage_certificates(client, course, issued, failing, who):
    users = {
        "other_organiser": lambda: UserFactory(roles=[Role.ORGANISER]),
        "trainee": lambda: issued.registration.trainee,
        "checkin": lambda: UserFactory(roles=[Role.CHECKIN_STAFF]),
        "anonymous": lambda: None,
    }
    user = users[who]()
    if user:
        client.force_login(user)
    urls = [
        ("get", reverse("certificates:certificate-manage", args=[course.pk])),
        ("get", reverse("certificates:certificate-download", args=[course.pk, issued.pk])),
        ("post", reverse("certificates:certificate-issue", args=[course.pk, failing.pk])),
        ("post", reverse("certificates:certificate-revoke", args=[course.pk, issued.pk])),
        ("post", reverse("certificates:certificate-issue-all", args=[course.pk])),
        ("post", reverse("certificates:archive-request", args=[course.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, {"reason": "试图越权"})
        if user is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404, url
    issued.refresh_from_db()
    assert issued.is_valid
    assert not Certificate.objects.filter(registration=failing).exists()
    assert not CertificateArchive.objects.exists()


def test_administrator_manages_any_course(client, course, issued):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    response = client.get(reverse("certificates:certificate-download", args=[course.pk, issued.pk]))
    assert response.status_code == 200


def test_trainee_downloads_only_their_own_certificate(client, course, issued, failing):
    url = reverse("certificates:certificate-mine", args=[course.pk])
    client.force_login(issued.registration.trainee)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")

    # A trainee without a certificate gets the reason, not someone else's file.
    client.force_login(failing.trainee)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "30 %" in response.content.decode()

    # Someone not on the course: 404.
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_a_revoked_certificate_cannot_be_downloaded_by_its_trainee(
    client, course, organiser, issued
):
    services.certificate_revoke(course=course, certificate_id=issued.pk, by=organiser, reason="x")
    client.force_login(issued.registration.trainee)
    response = client.get(reverse("certificates:certificate-mine", args=[course.pk]))
    assert response["Content-Type"].startswith("text/html")


# The PDF ---------------------------------------------------------------------------------


def _pdf(certificate) -> bytes:
    stored = services.certificate_pdf_file(certificate=certificate)
    with stored.open("rb") as stream:
        return stream.read()


def test_the_pdf_shows_the_chinese_name_course_hours_and_code(issued):
    page = PdfReader(io.BytesIO(_pdf(issued))).pages[0]
    text = page.extract_text()
    assert "结业证书" in text and "Certificate of Completion" in text
    assert "欧阳明月" in text
    assert issued.course.title in text
    assert "参加“" in text.replace("\n", "")  # the course title in “” inside the sentence
    assert "12学时" in text
    assert "人力资源和社会保障部职业能力建设司" in text
    assert issued.code in text
    assert verification_url(issued.code) in text.replace("\n", "")


def test_the_pdf_embeds_its_chinese_and_latin_fonts(issued):
    data = _pdf(issued)
    # Viewers without Adobe's Asian font pack (poppler without poppler-data, phone viewers)
    # show a font that is only named as blanks: every font is a TrueType subset in the file.
    fonts = assert_fonts_embedded(data)
    assert set(fonts) == {"DroidSansFallback", "LiberationSerif", "LiberationSerif-Bold"}
    assert len(data) < 200_000  # subsets, not the 4 MB font


def test_a_name_character_no_font_has_prints_as_a_placeholder_and_stays_in_the_title(
    issued, caplog
):
    issued.trainee_name = "𠮷田春"  # U+20BB7 (CJK Extension B) is not in Droid Sans Fallback
    issued.save(update_fields=["trainee_name"])
    with caplog.at_level("WARNING", logger="certificates.pdf"):
        reader = PdfReader(io.BytesIO(_pdf(issued)))
    assert "〓田春" in reader.pages[0].extract_text()
    assert "𠮷田春" in reader.metadata.title
    assert "U+20BB7" in caplog.text and issued.code in caplog.text


def test_the_qr_code_in_the_pdf_decodes_to_the_verification_url(issued):
    page = PdfReader(io.BytesIO(_pdf(issued))).pages[0]
    decoded = [
        result.text for image in page.images for result in zxingcpp.read_barcodes(image.image)
    ]
    assert decoded == [verification_url(issued.code)]
    assert verification_url(issued.code).endswith(f"/certificates/verify/{issued.code}/")


def test_the_pdf_is_stored_once(issued):
    first = services.certificate_pdf_file(certificate=issued).name
    issued.refresh_from_db()
    assert services.certificate_pdf_file(certificate=issued).name == first


# Verification ----------------------------------------------------------------------------


def test_verification_of_a_valid_code_says_valid_and_nothing_more(client, issued):
    response = client.get(reverse("certificates:verify", args=[issued.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-result="valid"' in html
    registration = issued.registration
    for secret in (
        "欧阳明月",
        issued.course.title,
        issued.issued_at.astimezone(issued.course.tz).date().isoformat(),
        registration.phone,
        registration.trainee.email,
        registration.organisation_name,
    ):
        assert secret not in html
    assert "data-name-match" not in html
    assert response["Cache-Control"] == "no-store"


def test_verification_of_a_valid_code_shows_the_learning_hours_on_the_paper(client, issued):
    html = client.get(reverse("certificates:verify", args=[issued.code])).content.decode()
    assert 'data-hours="12"' in html


def test_the_rule_may_require_a_minimum_of_learning_hours(course, organiser, trainee):
    rule(course, organiser, min_hours=Decimal("12.5"))
    row = selectors.eligibility_for_registration(trainee)
    assert row is not None and row.attended_hours == 12
    assert not row.qualifies and row.below_min_hours
    assert _issue_all(course) == 0
    rule(course, organiser, min_hours=Decimal("12"))
    assert _issue_all(course) == 1
    assert Certificate.objects.get().hours == 12


@pytest.mark.parametrize(
    ("typed", "matches"),
    [("欧阳明月", "yes"), (" 欧阳 明月 ", "yes"), ("欧阳明日", "no"), ("王芳", "no")],
)
def test_the_name_on_the_paper_can_be_checked_without_being_shown(client, issued, typed, matches):
    url = reverse("certificates:verify", args=[issued.code])
    html = client.get(url, {"name": typed}).content.decode()
    assert f'data-name-match="{matches}"' in html
    if matches == "no":
        assert "欧阳明月" not in html


def test_the_name_of_a_revoked_certificate_is_not_checked(client, organiser, issued):
    services.certificate_revoke(
        course=issued.course, certificate_id=issued.pk, by=organiser, reason="材料不实"
    )
    url = reverse("certificates:verify", args=[issued.code])
    html = client.get(url, {"name": "欧阳明月"}).content.decode()
    assert 'data-result="revoked"' in html and "data-name-match" not in html


def test_verification_accepts_a_code_typed_in_lower_case_with_spaces(client, issued):
    typed = " ".join(issued.code[i : i + 4] for i in range(0, CODE_LENGTH, 4)).lower()
    response = client.get(reverse("certificates:verify-form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=[issued.code])


def test_verification_of_a_revoked_code_says_revoked_and_nothing_more(client, organiser, issued):
    services.certificate_revoke(
        course=issued.course, certificate_id=issued.pk, by=organiser, reason="材料不实"
    )
    response = client.get(reverse("certificates:verify", args=[issued.code]))
    html = response.content.decode()
    assert 'data-result="revoked"' in html
    assert "欧阳明月" not in html and "材料不实" not in html and issued.course.title not in html


def test_verification_of_an_unknown_code_says_not_found(client, issued):
    unknown = ("Z" if issued.code[0] != "Z" else "Y") + issued.code[1:]
    response = client.get(reverse("certificates:verify", args=[unknown]))
    assert response.status_code == 404
    assert 'data-result="not_found"' in response.content.decode()
    response = client.get(reverse("certificates:verify-form"), {"code": "123"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


def test_verification_is_throttled_per_address(client, issued, settings):
    settings.PORTAL_CERTIFICATE_VERIFY_RATE = 3
    url = reverse("certificates:verify", args=[issued.code])
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


# The ZIP ---------------------------------------------------------------------------------


def test_the_zip_holds_one_pdf_per_issued_certificate(course, organiser, trainee):
    rule(course, organiser, min_attendance_percent=0)
    twins = [RegistrationFactory(course=course, full_name="王芳") for _ in range(2)]
    _issue_all(course)
    services.certificate_revoke(
        course=course,
        certificate_id=Certificate.objects.get(registration=twins[1]).pk,
        by=organiser,
        reason="x",
    )
    archive = services.archive_request(course=course, by=organiser, language="zh-hans")
    assert services.archive_build(archive_id=archive.pk) == "done"
    assert services.archive_build(archive_id=archive.pk) == "skipped"
    archive.refresh_from_db()
    assert archive.status == CertificateArchive.Status.DONE
    assert (archive.progress_done, archive.progress_total) == (2, 2)
    with archive.file.open("rb") as stream:
        names = zipfile.ZipFile(io.BytesIO(stream.read())).namelist()
    assert len(names) == 2 and len(set(names)) == 2
    assert any("王芳" in name for name in names) and any("欧阳明月" in name for name in names)
    assert all(name.endswith(".pdf") for name in names)


def test_the_zip_is_downloaded_by_its_course_organisers_only(client, course, organiser, issued):
    client.force_login(organiser)
    response = client.post(reverse("certificates:archive-request", args=[course.pk]))
    archive = CertificateArchive.objects.get()
    assert response["Location"] == reverse("certificates:archive-detail", args=[archive.pk])
    services.archive_build(archive_id=archive.pk)
    status = client.get(reverse("certificates:archive-status", args=[archive.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100
    response = client.get(reverse("certificates:archive-download", args=[archive.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    assert (
        client.get(reverse("certificates:archive-download", args=[archive.pk])).status_code == 404
    )


def test_a_very_long_course_title_still_fits_on_one_page(course, organiser, trainee):
    from certificates.pdf import _wrap
    from portal.pdf_fonts import width as _width

    course.title = "全国高技能人才政策培训班（第十五号文件解读与实施，" * 6 + "）"
    course.save()
    rule(course, organiser)
    _issue_all(course)
    reader = PdfReader(io.BytesIO(_pdf(Certificate.objects.get())))
    assert len(reader.pages) == 1
    assert course.title in reader.pages[0].extract_text().replace("\n", "")
    lines = _wrap("参加" + course.title + "，共10学时。", 15, 400)
    assert all(_width(line, 15) <= 400 + 15 for line in lines)  # a hanging comma at most
    assert not any(line.startswith(("，", "。", "）")) for line in lines)


def test_the_beat_sweep_issues_only_for_finished_courses_with_an_automatic_rule(organiser):
    from django.utils import timezone

    def course_with_trainee(**rule_values):
        course = make_finished_course(organiser)
        mark(RegistrationFactory(course=course), [P] * 10)
        rule(course, organiser, **rule_values)
        return course

    automatic = course_with_trainee()
    course_with_trainee(auto_issue=False)
    no_rule = make_finished_course(organiser)
    mark(RegistrationFactory(course=no_rule), [P] * 10)
    running = course_with_trainee()
    running.ends_on = timezone.localdate()
    running.save()
    assert services.certificate_issue_due() == {automatic.pk: 1}
    assert services.certificate_issue_due() == {automatic.pk: 0}
    assert set(Certificate.objects.values_list("course", flat=True)) == {automatic.pk}


def test_links_on_the_manage_tabs_my_courses_and_the_course_page(client, course, issued):
    manage = reverse("certificates:certificate-manage", args=[course.pk])
    mine = reverse("certificates:certificate-mine", args=[course.pk])
    client.force_login(course.organisers.get())
    assert manage in client.get(reverse("courses:course-manage", args=[course.pk])).content.decode()
    assert manage in client.get(course.get_absolute_url()).content.decode()
    client.force_login(issued.registration.trainee)
    assert mine in client.get(reverse("enrollment:registration-mine")).content.decode()
    assert mine in client.get(course.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_runs_at_the_same_moment_give_one_certificate_per_registration(course, organiser):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    rule(course, organiser)
    for _ in range(30):
        mark(RegistrationFactory(course=course), [P] * 10)
    barrier = threading.Barrier(4)

    def run(_):
        try:
            barrier.wait()
            return services.certificate_issue_for_course(course_id=course.pk)
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, range(4)))
    assert all(isinstance(result, int) for result in results)
    assert Certificate.objects.filter(course=course).count() == 30
    assert Certificate.objects.values("registration").distinct().count() == 30


def test_certificate_verification_is_reachable_from_every_page_and_the_certificate_pages(
    client, course, issued, failing
):
    verify = reverse("certificates:verify-form")
    link = f'href="{verify}"'
    assert link in client.get(reverse("home")).content.decode()  # the footer, for anyone
    client.force_login(course.organisers.get())
    html = client.get(reverse("certificates:certificate-manage", args=[course.pk])).content
    assert html.decode().count(link) >= 2  # the footer and the page's own note
    client.force_login(failing.trainee)
    html = client.get(reverse("certificates:certificate-mine", args=[course.pk])).content
    assert html.decode().count(link) >= 2
