"""One suite for every file upload of the portal: each field against each hostile file.

Fields (every FileField/ImageField of a model or form, and every view reading request.FILES):

- ``policy_file``: a policy document's original/attachment (policies:document-file-create);
- ``material``: a course material, slides or handout (courses:material-list);
- ``nominee_import``: the nominee spreadsheet (enrollment:nominee-upload; stored for the
  worker as ImportJob.file when it is large);
- ``attendance_import``: a session's attendance spreadsheet (attendance:attendance-import).

(ExportJob.file, ReadingPackBundle.file and DataDownload.file are written by the portal itself,
never uploaded.)

Every upload goes through HTTP as a browser sends it (multipart/form-data built here, so the
file name reaches the server exactly as given, CR/LF included, via RFC 2231 `filename*`).

Cases with bad content (empty, oversized, a Windows program or an HTML page renamed to the
field's extension, macro-enabled Office content renamed, a ZIP bomb, an XML "billion laughs"
bomb, an XXE reading /etc/passwd) must be refused: 400, the page shows a message, no row is
written and no file is left in MEDIA_ROOT.

Cases with a hostile name and good content (``../../etc/passwd.<ext>``, ``a"\\r\\nX-Evil:
1.<ext>``) may be accepted: the stored file then has a random name inside its folder, the name
shown is harmless, and the download is an attachment with `nosniff` and no injected header.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.forms import BaseForm
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook

from accounts.roles import Role
from attendance.models import Attendance
from courses.models import Course, Material
from enrollment.imports import nominee_template
from enrollment.models import ImportJob, Registration
from policies.models import DocumentFile
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory
from tests.factories.policies import PolicyDocumentFactory
from tests.policies.files import DOCM_MAIN, docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

SMALL_LIMIT = 200_000  # the size limits are lowered to this for the test (attendance: its own)

# -- Hostile files ----------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
    '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>'
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 2000
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
ZEROS = b"\x00" * (20 * 1024 * 1024)  # compresses about 1000:1


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None) -> bytes:
    """The same ZIP with some members replaced or added."""
    replace = dict(replace or {})
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename in replace:
                target.writestr(info.filename, replace.pop(info.filename))
            else:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


def _with_doctype(xml: bytes, doctype: str, *, entity: str) -> bytes:
    """The XML with a DOCTYPE and the entity used in its first text."""
    text = xml.decode()
    text = text.split("?>", 1)[1] if text.startswith("<?xml") else text
    return (doctype + text.replace("<t>", f"<t>&{entity};", 1)).encode()


def nominee_xlsx() -> bytes:
    buffer = io.BytesIO()
    nominee_template(buffer, time_zone="Asia/Shanghai")
    return buffer.getvalue()


def attendance_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["手机号码", "状态"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_with_inline_text(data: bytes) -> bytes:
    """A workbook whose first sheet has a text cell `<is><t>…</t></is>`, for entity cases."""
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>手机号码</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>状态</t></is></c></row></sheetData></worksheet>'
    )
    return rezip(data, replace={"xl/worksheets/sheet1.xml": sheet.encode()})


@dataclass(frozen=True)
class Kind:
    """How a field's good file looks, and how to make the hostile ones of its kind."""

    extension: str
    good: callable
    #: The name under which the Office cases are sent (a field of PDFs also takes DOCX).
    office_extension: str = ""

    def name_for(self, case: str) -> str:
        office = case in ("macro", "zip_bomb", "xml_bomb", "xxe")
        return "名单" + (
            self.office_extension if office and self.office_extension else self.extension
        )

    def content(self, case: str) -> bytes:
        if case == "empty":
            return b""
        if case == "exe":
            return EXE
        if case == "html":
            return HTML
        return self.hostile(case)

    def hostile(self, case: str) -> bytes:
        raise NotImplementedError


class DocxKind(Kind):
    """PDF is the good file; Office cases are DOCX (accepted by both document fields)."""

    def hostile(self, case):
        if case == "macro":  # .docm content under a .docx name
            return docx_bytes(main_type=DOCM_MAIN, extra={"word/vbaProject.bin": b"\xd0\xcf" * 64})
        if case == "zip_bomb":
            return docx_bytes(extra={"word/media/image1.png": ZEROS})
        if case == "xml_bomb":
            return docx_bytes(content_types=BILLION_LAUGHS + "<Types>&lol9;</Types>")
        if case == "xxe":
            return docx_bytes(content_types=XXE + "<Types>&xxe;</Types>")
        raise ValueError(case)


class XlsxKind(Kind):
    def hostile(self, case):
        good = self.good()
        if case == "macro":  # .xlsm content under a .xlsx name
            with zipfile.ZipFile(io.BytesIO(good)) as archive:
                types = archive.read("[Content_Types].xml").decode()
            types = types.replace(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
            return rezip(
                good,
                replace={
                    "[Content_Types].xml": types.encode(),
                    "xl/vbaProject.bin": b"\xd0\xcf" * 64,
                },
            )
        if case == "zip_bomb":
            return rezip(good, replace={"xl/media/image1.png": ZEROS})
        inline = xlsx_with_inline_text(good)
        with zipfile.ZipFile(io.BytesIO(inline)) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml")
        if case == "xml_bomb":
            sheet = _with_doctype(sheet, BILLION_LAUGHS, entity="lol9")
        elif case == "xxe":
            sheet = _with_doctype(sheet, XXE, entity="xxe")
        else:
            raise ValueError(case)
        return rezip(inline, replace={"xl/worksheets/sheet1.xml": sheet})


PDF_KIND = DocxKind(".pdf", pdf_bytes, ".docx")
NOMINEE_KIND = XlsxKind(".xlsx", nominee_xlsx)
ATTENDANCE_KIND = XlsxKind(".xlsx", attendance_xlsx)

# -- The fields -------------------------------------------------------------------------------


@dataclass
class World:
    admin: object
    course: Course
    session: object
    document: object


@dataclass(frozen=True)
class UploadField:
    name: str
    kind: Kind
    file_field: str
    extra: dict

    def url(self, world: World) -> str:
        raise NotImplementedError

    def limit(self) -> int:
        return SMALL_LIMIT

    def rows(self, world: World) -> int:
        raise NotImplementedError

    def downloads(self, world: World) -> list[tuple[str, str]]:
        """(download URL, stored file name, name shown) of every stored file."""
        return []


class PolicyFileField(UploadField):
    def url(self, world):
        return reverse("policies:document-file-create", args=[world.document.pk])

    def rows(self, world):
        return DocumentFile.objects.count()

    def downloads(self, world):
        return [
            (
                reverse("policies:document-file-download", args=[world.document.pk, stored.pk]),
                stored.file.name,
                stored.display_name,
            )
            for stored in DocumentFile.objects.filter(document=world.document)
        ]


class MaterialField(UploadField):
    def url(self, world):
        return reverse("courses:material-list", args=[world.course.pk])

    def rows(self, world):
        return Material.objects.count()

    def downloads(self, world):
        return [
            (
                reverse("courses:material-download", args=[material.pk]),
                material.file.name,
                material.original_name,
            )
            for material in Material.objects.filter(course=world.course)
        ]


class NomineeImportField(UploadField):
    def url(self, world):
        return reverse("enrollment:nominee-upload", args=[world.course.pk])

    def rows(self, world):
        return ImportJob.objects.count() + Registration.objects.count()


class AttendanceImportField(UploadField):
    def url(self, world):
        return reverse("attendance:attendance-import", args=[world.session.pk])

    def limit(self):
        from attendance.imports import MAX_BYTES

        return MAX_BYTES

    def rows(self, world):
        return Attendance.objects.count()


FIELDS = [
    PolicyFileField("policy_file", PDF_KIND, "upload", {"kind": "original"}),
    MaterialField("material", PDF_KIND, "file", {"title": "课件", "visibility": "trainees"}),
    NomineeImportField("nominee_import", NOMINEE_KIND, "file", {}),
    AttendanceImportField("attendance_import", ATTENDANCE_KIND, "file", {}),
]
CONTENT_CASES = ["empty", "oversized", "exe", "html", "macro", "zip_bomb", "xml_bomb", "xxe"]
NAME_CASES = ["path_traversal", "header_injection"]


def test_every_upload_field_of_the_portal_is_in_the_suite():
    """A new FileField must be added to FIELDS (or to the written-by-the-portal list)."""
    from django.apps import apps
    from django.db.models import FileField

    uploaded = {"policies.DocumentFile.file", "courses.Material.file", "enrollment.ImportJob.file"}
    written_by_the_portal = {
        "exports.ExportJob.file",
        "courses.ReadingPackBundle.file",
        "certificates.Certificate.pdf",
        "certificates.CertificateArchive.file",
        "privacy.DataDownload.file",
    }
    found = {
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
    }
    assert found == uploaded | written_by_the_portal


@pytest.fixture
def world(settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    settings.PORTAL_UPLOAD_MAX_BYTES = SMALL_LIMIT
    settings.PORTAL_MATERIAL_MAX_BYTES = SMALL_LIMIT
    settings.PORTAL_IMPORT_MAX_BYTES = SMALL_LIMIT
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    course = CourseFactory(status=Course.Status.PUBLISHED)
    session = SessionFactory(course=course)
    document = PolicyDocumentFactory()
    return World(admin=admin, course=course, session=session, document=document)


def multipart(fields: dict, file_field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart body as a browser sends it; the name also as RFC 2231 `filename*`, so
    control characters and separators reach the server as given."""
    boundary = "----portal-upload-test-boundary"
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "%22")
    ascii_name = ascii_name.replace("\r", "%0D").replace("\n", "%0A")
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f"filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(client, field: UploadField, world: World, filename: str, data: bytes):
    body, content_type = multipart(field.extra, field.file_field, filename, data)
    return client.generic("POST", field.url(world), body, content_type=content_type)


def files_in(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def shown_errors(response) -> list[str]:
    """Every error message the page was rendered with (forms' errors and error lists)."""
    errors = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, BaseForm):
                errors += [str(e) for field_errors in value.errors.values() for e in field_errors]
        for message in context.get("errors") or []:
            if isinstance(message, str):
                errors.append(message)
    return list(dict.fromkeys(errors))


# What the (Chinese) message must say for each case: the check that refused it. The XML cases
# of the spreadsheet imports are refused by the reader (defusedxml under openpyxl) as unreadable.
REASONS = {
    "empty": ["空文件", "文件为空"],
    "oversized": ["文件过大"],
    "exe": ["不是有效的", "与扩展名不符"],
    "html": ["不是有效的", "与扩展名不符"],
    "macro": ["宏"],
    "zip_bomb": ["解压"],
    "xml_bomb": ["不安全", "无法读取"],
    "xxe": ["不安全", "无法读取"],
}


def hostile_content(field: UploadField, case: str) -> bytes:
    if case == "oversized":
        return field.kind.good()[:8] + b"\x00" * (field.limit() + 1)
    return field.kind.content(case)


@pytest.mark.parametrize("case", CONTENT_CASES)
@pytest.mark.parametrize("field", FIELDS, ids=[f.name for f in FIELDS])
def test_hostile_content_is_refused_with_a_message_and_nothing_stored(
    client, world, settings, field, case
):
    client.force_login(world.admin)
    before_rows, before_files = field.rows(world), files_in(Path(settings.MEDIA_ROOT))
    response = upload(client, field, world, field.kind.name_for(case), hostile_content(field, case))
    assert response.status_code == 400, response.status_code
    errors = shown_errors(response)
    assert errors, "the page gives no reason"
    assert any(word in error for error in errors for word in REASONS[case]), errors
    html = response.content.decode()
    assert any(escape(error) in html for error in errors), errors
    assert "root:" not in html  # nothing of /etc/passwd
    assert field.rows(world) == before_rows
    assert files_in(Path(settings.MEDIA_ROOT)) == before_files


HOSTILE_NAMES = {
    "path_traversal": "../../etc/passwd{ext}",
    "header_injection": 'a"\r\nX-Evil: 1{ext}',
}


@pytest.mark.parametrize("case", NAME_CASES)
@pytest.mark.parametrize("field", FIELDS, ids=[f.name for f in FIELDS])
def test_hostile_names_never_reach_the_file_system_or_a_header(
    client, world, settings, field, case
):
    client.force_login(world.admin)
    root = Path(settings.MEDIA_ROOT)
    before = files_in(root)
    name = HOSTILE_NAMES[case].format(ext=field.kind.extension)
    response = upload(client, field, world, name, field.kind.good())
    assert response.status_code in (200, 302, 400), response.status_code
    assert "\r\nX-Evil" not in response.content.decode()
    assert "X-Evil" not in response.headers
    # Nothing outside MEDIA_ROOT: the only new files are inside it, under random names.
    for path in files_in(root) - before:
        assert "passwd" not in path and "Evil" not in path, path
        assert ".." not in Path(path).parts
    assert not (root.parent / "etc").exists()
    downloads = field.downloads(world)
    if isinstance(field, (PolicyFileField, MaterialField)):
        # Good content under a bad name is kept (with a harmless name): check how it is served.
        assert response.status_code == 302 and len(downloads) == 1, shown_errors(response)
    for url, stored_name, shown_name in downloads:
        assert "passwd" not in stored_name and "Evil" not in stored_name
        assert not any(ch in shown_name for ch in '/\\"\r\n'), shown_name
        # Served by Django, and (production) by nginx after X-Accel-Redirect.
        for accel in ("", "/protected-media/"):
            settings.PORTAL_X_ACCEL_REDIRECT = accel
            download = client.get(url)
            assert download.status_code == 200
            disposition = download.headers["Content-Disposition"]
            assert disposition.startswith("attachment;")
            assert "\r" not in disposition and "\n" not in disposition
            assert "X-Evil" not in download.headers
            assert download.headers["X-Content-Type-Options"] == "nosniff"
            assert download.headers["Content-Type"] == "application/pdf"
            if accel:
                assert download.headers["X-Accel-Redirect"] == accel + stored_name
                assert download.content == b""


def test_the_admin_offers_no_way_around_the_upload_checks(rf):
    """Django's admin edits no file field (it would skip validate_upload): they are read-only
    or the model cannot be added or changed there."""
    from django.contrib import admin
    from django.db.models import FileField

    request = rf.get("/admin/")
    request.user = UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True)
    editable = []
    for model, model_admin in admin.site._registry.items():
        admins = [(model, model_admin)] + [
            (inline.model, inline) for inline in model_admin.get_inline_instances(request)
        ]
        for target, target_admin in admins:
            files = {f.name for f in target._meta.get_fields() if isinstance(f, FileField)}
            if not files:
                continue
            can_write = target_admin.has_add_permission(
                request, *([None] if target_admin is not model_admin else [])
            ) or target_admin.has_change_permission(request)
            if not can_write:
                continue
            fields = set(target_admin.get_fields(request)) - set(
                target_admin.get_readonly_fields(request)
            )
            editable += [f"{target.__name__}.{name}" for name in files & fields]
    assert editable == []
