"""Sample uploads, good and hostile."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from policies.demo import demo_pdf

DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def pdf_bytes(text: str = "关于加强新时代高技能人才队伍建设的意见") -> bytes:
    return demo_pdf(
        title=text, number="中办发〔2022〕15号", authorities=["国务院办公厅"], summary=text
    )


def docx_bytes(
    paragraphs=("第一条 技能人才", "Article 2 skilled workers"),
    *,
    main_type: str = DOCX_MAIN,
    extra: dict[str, bytes] | None = None,
    content_types: str | None = None,
) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    document = (
        f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml", content_types or DOCX_CONTENT_TYPES.format(main=main_type)
        )
        archive.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
