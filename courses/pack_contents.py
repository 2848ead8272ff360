"""The table of contents of a reading-pack bundle: a PDF page and an HTML index, and the
file names inside the ZIP.

Works from the bundle's manifest only (plain data), so a worker renders exactly what the
requesting user was allowed to see when they asked.
"""

import io
import re
import unicodedata
from pathlib import PurePosixPath

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from portal import pdf_fonts

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
NAME_LIMIT = 120


def safe_part(text: str) -> str:
    """A piece of a file name that is valid on Windows, macOS and Linux: no separators, no
    control or reserved characters, no leading dots, not too long."""
    text = unicodedata.normalize("NFC", text or "")
    text = _UNSAFE.sub("_", text)
    text = " ".join(text.split())
    return text.strip(" ._")[:NAME_LIMIT]


def item_file_name(*, position: int, number: str, title: str, extension: str, copy: int) -> str:
    """`01-发改振兴〔2015〕2103号-试点方案.pdf`; later files of one document get `-2`, `-3`."""
    parts = [f"{position:02d}", safe_part(number), safe_part(title) or "file"]
    stem = "-".join(part for part in parts if part)
    if copy > 1:
        stem += f"-{copy}"
    extension = safe_part(extension.lstrip(".").lower())[:10]
    return f"{stem}.{extension}" if extension else stem


def extension_of(name: str) -> str:
    return PurePosixPath(name or "").suffix.lstrip(".").lower()


def contents_names() -> tuple[str, str]:
    """The names of the PDF contents page and the HTML index, in the active language."""
    stem = f"00-{safe_part(_('Contents'))}"
    return f"{stem}.pdf", f"{stem}.html"


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of `text` no wider than `width` points; Chinese breaks anywhere, so by character."""
    lines: list[str] = []
    for paragraph in (text or "").splitlines() or [""]:
        line = ""
        for char in paragraph:
            if line and pdf_fonts.width(line + char, size) > width:
                lines.append(line)
                line = char.lstrip() if char.isspace() else char
            else:
                line += char
        lines.append(line)
    return lines


def _item_meta(item: dict) -> str:
    parts = []
    if item.get("authorities"):
        parts.append("、".join(item["authorities"]))
    if item.get("issue_date"):
        parts.append(item["issue_date"])
    if item.get("status"):
        parts.append(item["status"])
    return " · ".join(parts)


def contents_pdf(manifest: dict) -> bytes:
    from reportlab.lib.pagesizes import A4

    buffer = io.BytesIO()
    width, height = A4
    margin = 56
    text_width = width - 2 * margin
    pdf = pdf_fonts.canvas(buffer, pagesize=A4)
    title = f"{manifest['course_title']} · {_('Reading pack')}"
    pdf.setTitle(title)
    y = height - margin

    def write(text: str, size: float, *, indent: float = 0, gap: float = 4) -> None:
        nonlocal y
        for line in _wrap(text, size, text_width - indent):
            if y < margin + size:
                pdf.showPage()
                y = height - margin
            pdf_fonts.draw(pdf, margin + indent, y - size, line, size)
            y -= size + gap

    write(title, 16, gap=8)
    write(_("Contents"), 13, gap=10)
    for section in manifest["sections"]:
        y -= 6
        write(section["heading"], 13)
        if section.get("note"):
            write(section["note"], 9, indent=12)
        for item in section["items"]:
            label = f"{item['position']:02d}  "
            if item.get("number"):
                label += f"{item['number']}  "
            write(label + item["title"], 11, indent=12, gap=3)
            meta = _item_meta(item)
            if meta:
                write(meta, 9, indent=36, gap=3)
            if item.get("note"):
                write(item["note"], 9, indent=36, gap=3)
            if not item["files"]:
                write(_("(no file in the library)"), 9, indent=36, gap=3)
            for entry in item["files"]:
                write(entry["name"], 8, indent=36, gap=3)
            y -= 4
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def contents_html(manifest: dict) -> bytes:
    sections = [
        {**section, "items": [{**item, "meta": _item_meta(item)} for item in section["items"]]}
        for section in manifest["sections"]
    ]
    html = render_to_string(
        "courses/reading_pack_index.html", {"manifest": manifest, "sections": sections}
    )
    return html.encode("utf-8")
