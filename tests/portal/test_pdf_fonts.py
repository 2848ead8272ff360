"""The portal's PDF fonts: vendored, embedded, chosen per character, missing glyphs survive."""

import io

import pytest
from pypdf import PdfReader

from portal import pdf_fonts
from tests.pdfs import assert_fonts_embedded


def _pdf(*lines: str, latin: str = pdf_fonts.LATIN) -> bytes:
    buffer = io.BytesIO()
    pdf = pdf_fonts.canvas(buffer)
    for number, line in enumerate(lines):
        pdf_fonts.draw(pdf, 50, 750 - 30 * number, line, 14, latin)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_font_files_and_their_licences_are_in_the_repository():
    for file_name in pdf_fonts.FILES.values():
        assert (pdf_fonts.FONT_DIR / file_name).read_bytes()[:4] == b"\x00\x01\x00\x00"  # glyf
    assert (pdf_fonts.FONT_DIR / "LICENSE-Apache-2.0.txt").is_file()
    assert "SIL Open Font License" in (pdf_fonts.FONT_DIR / "LiberationSerif.copyright").read_text()


def test_chinese_and_latin_are_embedded_and_extracted():
    data = _pdf("结业证书 Certificate of Completion", "“第十五期” — 10学时 · 2024-05-01")
    found = assert_fonts_embedded(data)
    assert set(found) == {"DroidSansFallback", "LiberationSerif"}
    text = _text(data)
    assert "结业证书 Certificate of Completion" in text
    assert "“第十五期” — 10学时 · 2024-05-01" in text


def test_bold_latin_is_its_own_embedded_font():
    found = assert_fonts_embedded(_pdf("Certificate", latin=pdf_fonts.LATIN_BOLD))
    assert set(found) == {"LiberationSerif-Bold"}


def test_each_character_goes_to_the_font_that_has_it():
    assert pdf_fonts.runs("欧阳 Ouyang，2024年") == [
        (pdf_fonts.CJK, "欧阳"),
        (pdf_fonts.LATIN, " Ouyang"),
        (pdf_fonts.CJK, "，"),
        (pdf_fonts.LATIN, "2024"),
        (pdf_fonts.CJK, "年"),
    ]
    assert pdf_fonts.missing_glyphs("欧阳明月 Ouyang Mingyue 龑 䶮") == set()


@pytest.mark.parametrize("name", ["𠮷田", "王\U0002b5af", "ᠮᠣᠩᠭᠣᠯ"])
def test_a_character_no_font_has_is_drawn_as_the_geta_mark_not_a_crash(name):
    assert pdf_fonts.missing_glyphs(name)
    data = _pdf(f"姓名：{name}")
    assert_fonts_embedded(data)
    text = _text(data)
    expected = "".join(
        pdf_fonts.MISSING if char in pdf_fonts.missing_glyphs(name) else char for char in name
    )
    assert f"姓名：{expected}" in text
    assert "\x00" not in text


def test_the_fonts_are_read_once_per_process():
    from reportlab.pdfbase import pdfmetrics

    pdf_fonts.register()
    font = pdfmetrics.getFont(pdf_fonts.CJK)
    _pdf("第二份")
    pdf_fonts.register()
    assert pdfmetrics.getFont(pdf_fonts.CJK) is font


@pytest.mark.django_db
def test_the_demo_pdfs_embed_their_fonts():
    from courses.demo import _slides_pdf
    from policies.demo import demo_pdf

    policy = demo_pdf(
        title="关于加强新时代高技能人才队伍建设的意见",
        number="中办发〔2022〕15号",
        authorities=["中共中央办公厅", "国务院办公厅"],
        summary="健全技能人才培养、使用、评价、激励制度。",
    )
    assert_fonts_embedded(policy)
    assert "中办发〔2022〕15号" in _text(policy)
    slides = _slides_pdf("培训须知", ["报到时间：开班前一日 14:00–20:00"])
    assert_fonts_embedded(slides)
    assert "报到时间：开班前一日 14:00–20:00" in _text(slides)
