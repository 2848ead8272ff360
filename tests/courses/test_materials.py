import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from courses import services
from courses.models import Course, Material
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def organiser():
    return UserFactory(roles=[Role.ORGANISER])


@pytest.fixture
def course(organiser):
    return CourseFactory(organisers=[organiser], status=Course.Status.PUBLISHED)


def ooxml(main_part="word/document.xml", extra=None, content_type="application/xml"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Override PartName="/{main_part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(main_part, "<document>正文</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(course, organiser, name, content, **kwargs):
    return services.material_upload(
        course=course, by=organiser, upload=SimpleUploadedFile(name, content), **kwargs
    )


def rejected(course, organiser, name, content) -> str:
    with pytest.raises(ValidationError) as excinfo:
        upload(course, organiser, name, content)
    assert not Material.objects.exists()
    return excinfo.value.code


def test_pdf_is_stored_under_a_random_name_with_checksum(course, organiser, media):
    material = upload(course, organiser, "第一讲 政策解读.pdf", PDF, title="第一讲课件")
    assert material.original_name == "第一讲 政策解读.pdf"
    assert material.content_type == "application/pdf"
    assert material.size == len(PDF)
    assert len(material.sha256) == 64
    stored = Path(material.file.path)
    assert stored.parent == media / "materials"
    assert "政策" not in stored.name and stored.suffix == ".pdf"


def test_docx_is_accepted(course, organiser):
    material = upload(course, organiser, "汇编.docx", ooxml())
    assert material.content_type.endswith("wordprocessingml.document")


def test_empty_file_is_refused(course, organiser):
    assert rejected(course, organiser, "slides.pdf", b"") == "empty"


def test_oversized_file_is_refused(course, organiser, settings):
    settings.PORTAL_MATERIAL_MAX_BYTES = 1024
    assert rejected(course, organiser, "slides.pdf", PDF + b"0" * 2000) == "too_large"


def test_exe_renamed_pdf_is_refused(course, organiser):
    assert rejected(course, organiser, "slides.pdf", b"MZ\x90\x00" + b"\x00" * 200) == (
        "content_mismatch"
    )


def test_html_renamed_pdf_is_refused(course, organiser):
    content = b"<html><script>alert(1)</script></html>"
    assert rejected(course, organiser, "slides.pdf", content) == "content_mismatch"


def test_unknown_extension_is_refused(course, organiser):
    assert rejected(course, organiser, "tool.exe", b"MZ\x90\x00") == "extension"


def test_macro_enabled_docx_is_refused(course, organiser):
    content = ooxml(extra={"word/vbaProject.bin": b"\x00" * 64})
    assert rejected(course, organiser, "汇编.docx", content) == "macro"


def test_docx_declaring_macro_content_type_is_refused(course, organiser):
    content = ooxml(content_type="application/vnd.ms-word.document.macroEnabled.main+xml")
    assert rejected(course, organiser, "汇编.docx", content) == "macro"


def test_zip_bomb_is_refused(course, organiser):
    bomb = ooxml(extra={"word/media/filler.bin": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    assert rejected(course, organiser, "汇编.docx", bomb) == "zip_bomb"


def test_xml_bomb_in_content_types_is_refused(course, organiser):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Types>&lol2;</Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
    assert rejected(course, organiser, "汇编.docx", buffer.getvalue()) == "unsafe_xml"


def test_path_traversal_name_keeps_only_the_last_component(course, organiser, media):
    material = upload(course, organiser, "../../etc/passwd.pdf", PDF)
    assert material.original_name == "passwd.pdf"
    assert Path(material.file.path).resolve().is_relative_to(media.resolve())
    material = upload(course, organiser, "..\\..\\windows\\课件.pdf", PDF)
    assert material.original_name == "课件.pdf"


def test_header_injection_name_is_cleaned_and_download_headers_are_safe(client, course, organiser):
    material = upload(
        course,
        organiser,
        'evil\r\nSet-Cookie: a=b;".pdf',
        PDF,
        visibility=Material.Visibility.PUBLIC,
    )
    assert "\r" not in material.original_name and "\n" not in material.original_name
    response = client.get(reverse("courses:material-download", args=[material.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert "Set-Cookie" not in response.headers or "a=b" not in response.headers["Set-Cookie"]


def test_download_is_an_attachment_with_rfc5987_name_and_nosniff(client, course, organiser):
    material = upload(
        course, organiser, "第一讲课件.pdf", PDF, visibility=Material.Visibility.PUBLIC
    )
    response = client.get(reverse("courses:material-download", args=[material.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E7%AC%AC" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


# -- who may download what ---------------------------------------------------------------------


@pytest.fixture
def materials(course, organiser):
    return {
        visibility: upload(course, organiser, f"{visibility}.pdf", PDF, visibility=visibility)
        for visibility in Material.Visibility.values
    }


@pytest.fixture
def registered_trainee(course):
    return RegistrationFactory(course=course).trainee


# Expected status per (visibility): 200 allowed, 302 asked to sign in, 404 out of scope.
MATRIX = {
    "anonymous": {"public": 200, "trainees": 302, "organisers": 302},
    "trainee": {"public": 200, "trainees": 404, "organisers": 404},
    "registered": {"public": 200, "trainees": 200, "organisers": 404},
    "other_organiser": {"public": 200, "trainees": 404, "organisers": 404},
    "checkin_staff": {"public": 200, "trainees": 404, "organisers": 404},
    "organiser": {"public": 200, "trainees": 200, "organisers": 200},
    "administrator": {"public": 200, "trainees": 200, "organisers": 200},
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_material_download_permission_matrix(client, who, materials, organiser, registered_trainee):
    users = {
        "anonymous": None,
        "trainee": UserFactory(),
        "registered": registered_trainee,
        "other_organiser": UserFactory(roles=[Role.ORGANISER]),
        "checkin_staff": UserFactory(roles=[Role.CHECKIN_STAFF]),
        "organiser": organiser,
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
    }
    if users[who] is not None:
        client.force_login(users[who])
    for visibility, expected in MATRIX[who].items():
        response = client.get(reverse("courses:material-download", args=[materials[visibility].pk]))
        assert response.status_code == expected, (who, visibility)


def test_material_of_a_draft_is_hidden_even_if_public(client, organiser):
    draft = CourseFactory(organisers=[organiser])
    material = upload(draft, organiser, "草稿.pdf", PDF, visibility=Material.Visibility.PUBLIC)
    client.force_login(UserFactory())
    response = client.get(reverse("courses:material-download", args=[material.pk]))
    assert response.status_code == 404


def test_course_page_lists_only_the_materials_the_visitor_may_download(client, materials, course):
    response = client.get(course.get_absolute_url())
    assert response.status_code == 200
    assert materials["public"].get_absolute_url() in response.text
    assert materials["trainees"].get_absolute_url() not in response.text
    assert materials["organisers"].get_absolute_url() not in response.text


def test_upload_page_shows_the_reason_for_a_refused_file(client, course, organiser):
    client.force_login(organiser)
    response = client.post(
        reverse("courses:material-list", args=[course.pk]),
        {"file": SimpleUploadedFile("slides.pdf", b"<html></html>"), "visibility": "public"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert not Material.objects.exists()
