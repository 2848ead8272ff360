"""The certificate as a one-page A4 PDF, in Chinese and English.

Both languages are printed on every certificate whatever the reader's language, so these
texts are not run through the translation catalogue. The fonts are the portal's vendored ones,
embedded in the PDF (`portal.pdf_fonts`): Chinese in Droid Sans Fallback, Latin text in
Liberation Serif (Times' widths). The QR code (segno, embedded as a PNG) and a link both lead to
the public verification page. A name character that no font has is printed as 〓 and logged;
the PDF's title keeps the exact name.
"""

import io
import logging
import re

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from certificates.models import Certificate
from portal import pdf_fonts
from portal.pdf_fonts import LATIN, LATIN_BOLD
from portal.template_text import daterange

logger = logging.getLogger(__name__)

TITLE_ZH = "结业证书"
TITLE_EN = "Certificate of Completion"

# A Latin word (with its trailing spaces) stays whole; Chinese breaks between any characters.
_TOKENS = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef\U00020000-\U0003ffff]+\s*|\s+|.")


# Chinese punctuation never starts a line: it hangs at the end of the previous one.
NO_LINE_START = set("，。、；：！？）」』”’》")


def _wrap(text: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if (
            not line
            or token in NO_LINE_START
            or pdf_fonts.width(line + token.rstrip(), size) <= width
        ):
            line += token
            continue
        lines.append(line.rstrip())
        line = token.lstrip()
        while pdf_fonts.width(line.rstrip(), size) > width:  # a very long word or URL
            cut = len(line)
            while cut > 1 and pdf_fonts.width(line[:cut], size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def verification_url(code: str) -> str:
    site = str(getattr(settings, "PORTAL_SITE_URL", "")).rstrip("/")
    return site + reverse("certificates:verify", args=[code])


def course_hosts(certificate: Certificate) -> str:
    course = certificate.course
    if course.hosts:
        return course.hosts
    names = [org.name for org in course.host_organisations.all()]
    if not names:
        names = [person.full_name for person in course.organisers.all() if person.full_name]
    return "、".join(names)


def _dates(certificate: Certificate) -> tuple[str, str]:
    course = certificate.course
    if not course.starts_on:
        return "", ""
    first, last = course.starts_on, course.ends_on or course.starts_on
    with translation.override("zh-hans"):
        zh = daterange(first, last)
    en = first.isoformat()
    if last != first:
        en += f" to {last.isoformat()}"
    return zh, en


def _hours(certificate: Certificate) -> str:
    hours = certificate.hours.normalize()
    return f"{hours:f}"


# The portal's dark red, for the frame and the title.
RED = "#8b1a1a"
MARGIN = 80
QR_SIZE = 120


class _Page:
    """The landscape A4 page being written, with the height the next line goes at."""

    def __init__(self, pdf, width: float, height: float):
        self.pdf = pdf
        self.width = width
        self.text_width = width - 2 * MARGIN
        self.y = height - 95

    def centred(self, text: str, size: float, gap: float, latin: str = LATIN) -> None:
        pdf_fonts.draw_centred(self.pdf, self.width / 2, self.y, text, size, latin)
        self.y -= size + gap

    def paragraph(self, text: str, size: float, gap: float = 6, narrow: bool = False) -> None:
        # Beside the QR code (the lines at the bottom), leave it room.
        for line in _wrap(text, size, self.text_width - 140 if narrow else self.text_width):
            pdf_fonts.draw(self.pdf, MARGIN, self.y, line, size)
            self.y -= size + gap


def certificate_pdf(certificate: Certificate) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape

    _missing_glyphs_log(certificate)
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = pdf_fonts.canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"{TITLE_ZH} · {certificate.trainee_name} · {certificate.course.title}")
    hosts = course_hosts(certificate)
    pdf.setAuthor(hosts)
    _frame_draw(pdf, width, height)
    page = _Page(pdf, width, height)
    _statement_write(page, certificate)
    _particulars_write(page, certificate, hosts)
    _verification_draw(pdf, width, verification_url(certificate.code))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _missing_glyphs_log(certificate: Certificate) -> None:
    missing = pdf_fonts.missing_glyphs(certificate.trainee_name + certificate.course.title)
    if missing:
        logger.warning(
            "certificate %s: no font has %s; printed as %s",
            certificate.code,
            " ".join(f"U+{ord(char):04X}" for char in sorted(missing)),
            pdf_fonts.MISSING,
        )


def _frame_draw(pdf, width: float, height: float) -> None:
    """A double frame in the portal's dark red."""
    from reportlab.lib.colors import HexColor

    pdf.setStrokeColor(HexColor(RED))
    pdf.setLineWidth(3)
    pdf.rect(24, 24, width - 48, height - 48)
    pdf.setLineWidth(0.8)
    pdf.rect(32, 32, width - 64, height - 64)


def _statement_write(page: _Page, certificate: Certificate) -> None:
    """The title, then who attended which course, when and for how many hours, in both
    languages."""
    from reportlab.lib.colors import HexColor

    page.pdf.setFillColor(HexColor(RED))
    page.centred(TITLE_ZH, 34, 10)
    page.centred(TITLE_EN, 17, 30, LATIN_BOLD)
    page.pdf.setFillColor(HexColor("#000000"))

    dates_zh, dates_en = _dates(certificate)
    hours = _hours(certificate)
    course = certificate.course.title
    page.paragraph(f"{certificate.trainee_name}：", 18, 12)
    zh = f"于{dates_zh}参加“{course}”，" if dates_zh else f"参加“{course}”，"
    page.paragraph(f"　　{zh}共{hours}学时，完成培训要求，特发此证。", 15, 10)
    page.y -= 8
    en = f"This is to certify that {certificate.trainee_name} attended “{course}”"
    if dates_en:
        en += f" from {dates_en}"
    en += f", {hours} hours in all, and completed the course requirements."
    page.paragraph(en, 12, 6)


def _particulars_write(page: _Page, certificate: Certificate, hosts: str) -> None:
    """At the bottom, beside the QR code: the hosts, the date of issue and the number."""
    issued = certificate.issued_at.astimezone(certificate.course.tz).date()
    page.y = 150
    if hosts:
        page.paragraph(f"主办单位 Organised by：{hosts}", 11, 5, narrow=True)
    page.paragraph(
        f"发证日期 Date of issue：{issued.year}年{issued.month}月{issued.day}日 ({issued.isoformat()})",
        11,
        5,
        narrow=True,
    )
    page.paragraph(f"证书编号 Certificate No.：{certificate.code}", 11, 5, narrow=True)


def _verification_draw(pdf, width: float, url: str) -> None:
    """The QR code of the verification page, a link over it, a caption and the address."""
    import segno
    from reportlab.lib.utils import ImageReader

    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=6, border=4)
    png.seek(0)
    size = QR_SIZE
    left, bottom = width - MARGIN - size + 20, 100
    pdf.drawImage(ImageReader(png), left, bottom, size, size)
    pdf.linkURL(url, (left, bottom, left + size, bottom + size), relative=0)
    caption = "扫码验证 Scan to verify"
    pdf_fonts.draw(pdf, left + (size - pdf_fonts.width(caption, 7)) / 2, bottom - 10, caption, 7)
    for n, line in enumerate(_wrap(url, 6, 220)):
        pdf_fonts.draw(pdf, left + size - pdf_fonts.width(line, 6), bottom - 22 - 8 * n, line, 6)


def certificate_filename(certificate: Certificate) -> str:
    from courses.pack_contents import safe_part

    return (
        f"{safe_part(certificate.course.title)}-{safe_part(certificate.trainee_name)}-结业证书.pdf"
    )
