"""The fonts of the portal's PDFs: vendored TrueType files, embedded in every PDF.

A PDF that names a font without embedding it (as reportlab's built-in CID font STSong-Light
does) shows blanks or boxes in a viewer that lacks that font: poppler without poppler-data,
many phone viewers. So the portal ships its fonts in `portal/fonts/` (nothing is downloaded at
run time) and reportlab embeds the subset of glyphs each PDF uses:

- Chinese: Droid Sans Fallback (`DroidSansFallbackFull.ttf`, Apache-2.0): CJK Unified
  Ideographs, Extension A and CJK punctuation, but no Latin letters;
- Latin: Liberation Serif regular and bold (SIL OFL 1.1), with the widths of Times, so
  English reads as before.

Text is drawn in runs: each character in the Latin font if that font has it, else in the
Chinese one. A character neither font has (a rare name character from CJK Extension B and
beyond, such as 𠮷, or a script the fonts lack) does not fail: it is drawn as 〓 (the geta
mark, the typesetters' placeholder for a character that has no type), which is also what
copying the text gives. Otherwise it would be an invisible blank in the printed name. Callers
that can, put the exact text into the PDF's metadata (the certificate's title holds the name);
`missing_glyphs` tells which characters those are.

The fonts are read once per process (`register`), not once per PDF. Make canvases with
`canvas()`: its initial font is a portal font, so reportlab's default Helvetica (a font that is
never embedded) does not enter the PDF.
"""

import threading
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"

CJK = "PortalCJK"
LATIN = "PortalSerif"
LATIN_BOLD = "PortalSerif-Bold"

FILES = {
    CJK: "DroidSansFallbackFull.ttf",
    LATIN: "LiberationSerif-Regular.ttf",
    LATIN_BOLD: "LiberationSerif-Bold.ttf",
}

MISSING = "〓"  # drawn for a character that no portal font has

_lock = threading.Lock()
_glyphs: dict[str, frozenset[int]] = {}


def register() -> None:
    """Register the portal's fonts with reportlab; only the first call in a process reads them."""
    if len(_glyphs) == len(FILES):
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:
        for name, file_name in FILES.items():
            if name in _glyphs:
                continue
            font = TTFont(name, str(FONT_DIR / file_name))
            pdfmetrics.registerFont(font)
            _glyphs[name] = frozenset(font.face.charToGlyph)


def canvas(buffer, **kwargs):
    """A reportlab canvas writing to `buffer` whose initial font is an embedded portal font."""
    from reportlab.pdfgen.canvas import Canvas

    register()
    kwargs.setdefault("pageCompression", 1)
    return Canvas(buffer, initialFontName=LATIN, **kwargs)


def _has(font: str, char: str) -> bool:
    return ord(char) in _glyphs[font]


def runs(text: str, latin: str = LATIN) -> list[tuple[str, str]]:
    """`text` cut into (font, piece): characters of the Latin font in `latin`, the rest in CJK."""
    register()
    result: list[list[str]] = []
    for char in text:
        if _has(latin, char):
            font = latin
        else:
            font = CJK
            if not _has(CJK, char) and char.isprintable() and not char.isspace():
                char = MISSING
        if result and result[-1][0] == font:
            result[-1][1] += char
        else:
            result.append([font, char])
    return [(font, piece) for font, piece in result]


def missing_glyphs(text: str) -> set[str]:
    """The visible characters of `text` that no portal font has (drawn as `MISSING`)."""
    register()
    return {
        char
        for char in text
        if char.isprintable() and not char.isspace() and not any(_has(f, char) for f in FILES)
    }


def width(text: str, size: float, latin: str = LATIN) -> float:
    """The width of `text` in points, drawn by `draw` at `size`."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(piece, font, size) for font, piece in runs(text, latin))


def draw(pdf, x: float, y: float, text: str, size: float, latin: str = LATIN) -> None:
    """`text` on `pdf` (a reportlab canvas) with its baseline starting at (x, y)."""
    # One text object for the line, so that copying or extracting the text keeps it one line.
    line = pdf.beginText(x, y)
    for font, piece in runs(text, latin):
        line.setFont(font, size)
        line.textOut(piece)
    pdf.drawText(line)


def draw_centred(pdf, x: float, y: float, text: str, size: float, latin: str = LATIN) -> None:
    """`text` centred on x."""
    draw(pdf, x - width(text, size, latin) / 2, y, text, size, latin)
