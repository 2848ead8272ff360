"""Checks on uploaded course materials: name, size, extension and the content itself.

Nothing the client says is trusted: the content type we store comes from the extension after
the bytes have been shown to match it.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
# The part each OOXML kind must contain.
OOXML_MAIN_PART = {
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
    "xlsx": "xl/workbook.xml",
}
OOXML_MAX_MEMBERS = 5000
OOXML_MAX_UNCOMPRESSED = 300 * 1024 * 1024
OOXML_MAX_RATIO = 200
MACRO_MARKERS = ("macroenabled", "vbaproject", "activex", "vbadata")


@dataclass(frozen=True)
class CheckedFile:
    display_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def max_material_bytes() -> int:
    return getattr(settings, "PORTAL_MATERIAL_MAX_BYTES", 50 * 1024 * 1024)


def clean_display_name(name: str) -> str:
    """The last path component, without control characters, quotes or path separators."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"<>|*?:')
    name = name.strip().lstrip(".").strip()
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:140] + dot + ext[:9]) if dot else name[:150]
    return name


def check_material(upload: UploadedFile) -> CheckedFile:
    name = clean_display_name(upload.name or "")
    if not name or "." not in name:
        raise ValidationError(_("The file needs a name with an extension."), code="file_name")
    extension = name.rsplit(".", 1)[1].lower()
    if extension not in CONTENT_TYPES:
        raise ValidationError(
            _(
                "Only PDF, PowerPoint (.pptx), Word (.docx), Excel (.xlsx), PNG and JPEG files can be uploaded."
            ),
            code="file_type",
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    limit = max_material_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is too large (at most %(limit)s MB)."),
            code="file_too_large",
            params={"limit": limit // (1024 * 1024) or 1},
        )
    digest = hashlib.sha256()
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    _check_content(upload, extension, head)
    upload.seek(0)
    return CheckedFile(
        display_name=name,
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        size=size,
        sha256=digest.hexdigest(),
    )


def _mismatch() -> ValidationError:
    return ValidationError(
        _("The file's content does not match its extension."), code="file_content_mismatch"
    )


def _check_content(upload: UploadedFile, extension: str, head: bytes) -> None:
    if extension == "pdf":
        if not head.startswith(b"%PDF-"):
            raise _mismatch()
    elif extension == "png":
        if not head.startswith(b"\x89PNG\r\n\x1a\n"):
            raise _mismatch()
        _check_image(upload)
    elif extension in ("jpg", "jpeg"):
        if not head.startswith(b"\xff\xd8\xff"):
            raise _mismatch()
        _check_image(upload)
    else:
        if not head.startswith(b"PK\x03\x04"):
            raise _mismatch()
        _check_ooxml(upload, extension)


def _check_image(upload: UploadedFile) -> None:
    from PIL import Image

    try:
        with Image.open(upload) as image:
            image.verify()
            if image.width * image.height > 80_000_000:
                raise ValidationError(_("The image is too large."), code="file_too_large")
    except ValidationError:
        raise
    except Exception as exc:
        raise _mismatch() from exc


def _check_ooxml(upload: UploadedFile, extension: str) -> None:
    upload.seek(0)
    data = upload.read()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _mismatch() from exc
    with archive:
        members = archive.infolist()
        if len(members) > OOXML_MAX_MEMBERS:
            raise ValidationError(_("The document has too many parts."), code="zip_bomb")
        total = sum(member.file_size for member in members)
        compressed = max(1, sum(member.compress_size for member in members))
        if total > OOXML_MAX_UNCOMPRESSED or total / compressed > OOXML_MAX_RATIO:
            raise ValidationError(
                _("The document expands to an implausible size and was refused."), code="zip_bomb"
            )
        names = {member.filename for member in members}
        lowered = " ".join(names).lower()
        if any(marker in lowered for marker in MACRO_MARKERS):
            raise _macro()
        if "[Content_Types].xml" not in names or OOXML_MAIN_PART[extension] not in names:
            raise _mismatch()
        try:
            content_types = archive.read("[Content_Types].xml")
            root = SafeET.fromstring(content_types)
        except (DefusedXmlException, SafeET.ParseError, KeyError) as exc:
            raise _mismatch() from exc
        for element in root:
            declared = (element.get("ContentType") or "").lower()
            if any(marker in declared for marker in MACRO_MARKERS):
                raise _macro()


def _macro() -> ValidationError:
    return ValidationError(
        _(
            "Documents with macros or active content are not accepted. Save it as a normal document."
        ),
        code="file_macro",
    )
