import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from policies.uploads import ATTACHMENT_KINDS, ORIGINAL_KINDS
from portal.downloads import content_disposition as attachment_disposition
from portal.uploads import CONTENT_TYPES, FileKind, safe_display_name, validate_upload
from tests.policies.files import DOCM_MAIN, docx_bytes, pdf_bytes, upload


def _code(upload_file, kinds=ORIGINAL_KINDS, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload_file, kinds, **kwargs)
    return caught.value.code


def test_a_real_pdf_and_docx_are_accepted_with_their_content_type():
    assert validate_upload(upload("文件.pdf", pdf_bytes()), ORIGINAL_KINDS) == "application/pdf"
    assert (
        validate_upload(upload("文件.DOCX", docx_bytes()), ORIGINAL_KINDS)
        == CONTENT_TYPES[FileKind.DOCX]
    )


def test_png_attachment_is_accepted_but_not_as_an_original():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    assert validate_upload(upload("图.png", buffer.getvalue()), ATTACHMENT_KINDS) == "image/png"
    assert _code(upload("图.png", buffer.getvalue())) == "extension"


def test_empty_file_is_refused():
    assert _code(upload("空.pdf", b"")) == "empty"


def test_oversized_file_is_refused():
    assert _code(upload("大.pdf", pdf_bytes()), max_bytes=100) == "too_large"


def test_exe_renamed_pdf_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
    assert _code(upload("通知.pdf", exe)) == "content_mismatch"


def test_html_renamed_pdf_is_refused():
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    assert _code(upload("通知.pdf", html)) == "content_mismatch"


def test_truncated_pdf_is_refused():
    assert _code(upload("通知.pdf", pdf_bytes()[:-200])) == "content_mismatch"


def test_pdf_renamed_docx_is_refused():
    assert _code(upload("通知.docx", pdf_bytes())) == "content_mismatch"


def test_unknown_extension_is_refused():
    assert _code(upload("通知.exe", pdf_bytes())) == "extension"
    assert _code(upload("通知", pdf_bytes())) == "extension"


def test_macro_enabled_extension_is_refused():
    assert _code(upload("通知.docm", docx_bytes(main_type=DOCM_MAIN))) == "macro"


def test_docx_carrying_a_vba_project_is_refused():
    data = docx_bytes(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
    assert _code(upload("通知.docx", data)) == "macro"


def test_docx_with_macro_enabled_content_type_is_refused():
    assert _code(upload("通知.docx", docx_bytes(main_type=DOCM_MAIN))) == "macro"


def test_zip_without_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert _code(upload("通知.docx", buffer.getvalue())) == "content_mismatch"


def test_zip_bomb_by_compression_ratio_is_refused():
    data = docx_bytes(extra={"word/media/big.bin": b"\x00" * (40 * 1024 * 1024)})
    assert len(data) < 200_000
    assert _code(upload("通知.docx", data)) == "zip_bomb"


def test_zip_bomb_by_member_count_is_refused():
    data = docx_bytes(extra={f"word/m{i}.xml": b"x" for i in range(2100)})
    assert _code(upload("通知.docx", data)) == "zip_bomb"


def test_xml_bomb_in_content_types_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&lol2;</Types>'
    )
    assert _code(upload("通知.docx", docx_bytes(content_types=bomb))) == "unsafe_xml"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("/var/www/shell.pdf", "shell.pdf"),
        ('evil"\r\nSet-Cookie: a=b.pdf', "evilSet-Cookie a=b.pdf"),
        ("\x00\x07报告.pdf", "报告.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("", "file"),
        ("../", "file"),
        ("关于 加强  高技能.pdf", "关于 加强 高技能.pdf"),
    ],
)
def test_display_names_are_made_harmless(name, expected):
    assert safe_display_name(name) == expected


def test_very_long_names_keep_their_extension():
    name = safe_display_name("长" * 400 + ".pdf")
    assert len(name) == 150
    assert name.endswith(".pdf")


def test_attachment_disposition_has_ascii_fallback_and_rfc5987_name():
    header = attachment_disposition("关于加强高技能人才的意见.pdf")
    assert header.startswith("attachment; ")
    assert 'filename="download.pdf"' in header
    assert "filename*=UTF-8''%E5%85%B3%E4%BA%8E" in header
    assert "\r" not in attachment_disposition('a"\r\nX-Evil: 1.pdf')
    assert attachment_disposition('a"b.pdf').startswith('attachment; filename="ab.pdf"; ')


def test_size_limit_comes_from_settings(settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1000
    assert _code(upload("大.pdf", pdf_bytes())) == "too_large"


def test_xlsx_attachment_is_accepted_and_macro_workbook_refused():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "名额"
    workbook.save(buffer)
    data = buffer.getvalue()
    assert (
        validate_upload(upload("名额.xlsx", data), ATTACHMENT_KINDS) == CONTENT_TYPES[FileKind.XLSX]
    )
    assert _code(upload("名额.xlsm", data), ATTACHMENT_KINDS) == "macro"
    assert _code(upload("名额.docx", data)) == "content_mismatch"  # a workbook is not a document


def test_html_renamed_docx_is_refused():
    assert _code(upload("通知.docx", b"<html><body>hi</body></html>")) == "content_mismatch"
