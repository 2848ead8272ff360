"""Upload checks any app can reuse: type by content, size, macro and ZIP-bomb refusal.

    content_type = validate_upload(upload, allowed_kinds={FileKind.PDF, FileKind.DOCX})

A leaf: it imports no app, so every app may use it; an app keeps only which kinds it accepts.

The extension must belong to an allowed kind *and* the content must be that kind: magic bytes,
and for Office files the ZIP structure (bounded member count and uncompressed size, a sane
compression ratio, the main part present, no VBA project, no macro-enabled content type).
Raises ValidationError with a `code`; returns the content type to store and serve.

`safe_display_name` makes the uploader's file name harmless for display and headers; it is
never used as the storage name.
"""

import enum
import re
import unicodedata
import zipfile
from pathlib import PurePosixPath

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# ZIP limits for Office files: far above any real document, far below a bomb.
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_CONTENT_TYPES_XML = 1024 * 1024


class FileKind(enum.Enum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    PNG = "png"
    JPEG = "jpeg"


CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    FileKind.PNG: "image/png",
    FileKind.JPEG: "image/jpeg",
}
EXTENSIONS = {
    FileKind.PDF: {".pdf"},
    FileKind.DOCX: {".docx"},
    FileKind.XLSX: {".xlsx"},
    FileKind.PPTX: {".pptx"},
    FileKind.PNG: {".png"},
    FileKind.JPEG: {".jpg", ".jpeg"},
}
MACRO_EXTENSIONS = {".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".pptm", ".potm", ".ppsm"}
# The part every genuine file of the kind has.
OOXML_MAIN_PART = {
    FileKind.DOCX: "word/document.xml",
    FileKind.XLSX: "xl/workbook.xml",
    FileKind.PPTX: "ppt/presentation.xml",
}


def max_upload_bytes() -> int:
    return settings.PORTAL_UPLOAD_MAX_BYTES


def kind_for_extension(name: str) -> FileKind | None:
    suffix = PurePosixPath(name.lower()).suffix
    for kind, suffixes in EXTENSIONS.items():
        if suffix in suffixes:
            return kind
    return None


def validate_upload(upload, allowed_kinds, *, max_bytes: int | None = None) -> str:
    """Check an uploaded file; return its content type or raise ValidationError(code=...)."""
    allowed_kinds = frozenset(allowed_kinds)
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    name = safe_display_name(getattr(upload, "name", "") or "")
    size = upload.size
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    suffix = PurePosixPath(name.lower()).suffix
    if suffix in MACRO_EXTENSIONS:
        raise ValidationError(
            _("Office files with macros are not accepted. Save it as .docx, .xlsx or .pptx."),
            code="macro",
        )
    kind = kind_for_extension(name)
    if kind is None or kind not in allowed_kinds:
        allowed = ", ".join(sorted(ext for k in allowed_kinds for ext in EXTENSIONS[k]))
        raise ValidationError(
            _("This type of file is not accepted. Accepted: %(types)s.") % {"types": allowed},
            code="extension",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if kind == FileKind.PDF:
        _check_pdf(upload, head, size)
    elif kind == FileKind.PNG:
        _check_magic(head, b"\x89PNG\r\n\x1a\n", kind)
        _check_image(upload, kind)
    elif kind == FileKind.JPEG:
        _check_magic(head, b"\xff\xd8\xff", kind)
        _check_image(upload, kind)
    else:
        _check_magic(head, b"PK\x03\x04", kind)
        _check_ooxml(upload, kind)
    upload.seek(0)
    return CONTENT_TYPES[kind]


def _mismatch(kind: FileKind) -> ValidationError:
    return ValidationError(
        _("The file's content is not a valid %(type)s file, whatever its name says.")
        % {"type": kind.value.upper()},
        code="content_mismatch",
    )


def _check_magic(head: bytes, magic: bytes, kind: FileKind) -> None:
    if not head.startswith(magic):
        raise _mismatch(kind)


def _check_pdf(upload, head: bytes, size: int) -> None:
    _check_magic(head, b"%PDF-", FileKind.PDF)
    # A complete PDF ends with %%EOF (writers may add a little trailing whitespace).
    upload.seek(max(0, size - 1024))
    tail = upload.read()
    upload.seek(0)
    if b"%%EOF" not in tail:
        raise _mismatch(FileKind.PDF)


def _check_image(upload, kind: FileKind) -> None:
    from PIL import Image

    try:
        with Image.open(upload) as image:
            image.verify()
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _("The image is too large to process."), code="image_too_large"
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise _mismatch(kind) from exc
    finally:
        upload.seek(0)


def _check_ooxml(upload, kind: FileKind) -> None:
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _mismatch(kind) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise _zip_bomb()
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if total > MAX_ZIP_UNCOMPRESSED or (
                member.file_size > 1024 * 1024 and ratio > MAX_ZIP_RATIO
            ):
                raise _zip_bomb()
        names = {member.filename for member in members}
        lowered = {name.lower() for name in names}
        if any(name.endswith("vbaproject.bin") or name.endswith("vbadata.xml") for name in lowered):
            raise _macro()
        if "[Content_Types].xml" not in names or OOXML_MAIN_PART[kind] not in names:
            raise _mismatch(kind)
        info = archive.getinfo("[Content_Types].xml")
        if info.file_size > MAX_CONTENT_TYPES_XML:
            raise _zip_bomb()
        try:
            root = ElementTree.fromstring(archive.read(info))
        except (DefusedXmlException, ElementTree.ParseError) as exc:
            raise ValidationError(
                _("The file contains unsafe or broken XML."), code="unsafe_xml"
            ) from exc
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            raise _mismatch(kind) from exc
        content_types = [element.get("ContentType", "").lower() for element in root.iter()]
        if any("macroenabled" in value or "vbaproject" in value for value in content_types):
            raise _macro()


def _zip_bomb() -> ValidationError:
    return ValidationError(
        _("The file expands to far more data than a document can hold; it was refused."),
        code="zip_bomb",
    )


def _macro() -> ValidationError:
    return ValidationError(
        _("Office files with macros are not accepted. Save it as .docx, .xlsx or .pptx."),
        code="macro",
    )


_UNSAFE_CHARACTERS = re.compile(r'[\x00-\x1f\x7f-\x9f"\\/:*?<>|;]')


def safe_display_name(name: str, *, fallback: str = "file") -> str:
    """The uploader's file name, fit to show and to put in a header; never a storage path.

    Keeps only the last path component, drops control characters (CR/LF header injection),
    quotes, separators and leading dots, and caps the length keeping the extension.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE_CHARACTERS.sub("", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"})
    name = " ".join(name.split()).lstrip(". ")
    if not name:
        return fallback
    if len(name) > 150:
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: 150 - len(suffix)] + suffix
    return name
