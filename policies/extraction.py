"""Plain text of PDF and DOCX files, for search. Bounded: a huge file yields its beginning."""

import logging
import zipfile

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from portal.uploads import CONTENT_TYPES, FileKind

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2_000_000
MAX_PDF_PAGES = 500
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class ExtractionError(Exception):
    """The file could not be read (damaged, encrypted, not what it claims)."""


def can_extract(content_type: str) -> bool:
    return content_type in {CONTENT_TYPES[FileKind.PDF], CONTENT_TYPES[FileKind.DOCX]}


def extract_text(stream, content_type: str) -> str:
    if content_type == CONTENT_TYPES[FileKind.PDF]:
        text = _pdf_text(stream)
    elif content_type == CONTENT_TYPES[FileKind.DOCX]:
        text = _docx_text(stream)
    else:
        return ""
    return _tidy(text)[:MAX_TEXT_CHARS]


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\x00", "").splitlines())
    return "\n".join(line for line in lines if line)


def _pdf_text(stream) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(stream)
        if reader.is_encrypted:
            raise ExtractionError("the PDF is encrypted")
        parts: list[str] = []
        length = 0
        for page in reader.pages[:MAX_PDF_PAGES]:
            chunk = page.extract_text() or ""
            parts.append(chunk)
            length += len(chunk)
            if length > MAX_TEXT_CHARS:
                break
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractionError(str(exc)) from exc
    return "\n".join(parts)


def _docx_text(stream) -> str:
    try:
        with zipfile.ZipFile(stream) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML_BYTES:
                raise ExtractionError("word/document.xml is too large")
            root = ElementTree.fromstring(archive.read(info))
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ExtractionError(str(exc)) from exc
    except (DefusedXmlException, ElementTree.ParseError) as exc:
        raise ExtractionError(f"unsafe or broken XML: {exc}") from exc
    paragraphs = []
    for paragraph in root.iter(f"{_W}p"):
        pieces = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                pieces.append(node.text)
            elif node.tag == f"{_W}tab":
                pieces.append(" ")
        paragraphs.append("".join(pieces))
    return "\n".join(paragraphs)
