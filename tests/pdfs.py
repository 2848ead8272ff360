"""Reading a PDF's fonts in tests: which fonts it uses and whether each one is embedded."""

import io

from pypdf import PdfReader

FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":  # a composite font: the glyphs are in its descendant
        return all(_embedded(child.get_object()) for child in font["/DescendantFonts"])
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor.get_object() for key in FONT_FILES)


def fonts(data: bytes) -> dict[str, dict]:
    """{base font name without the subset tag: {"embedded": bool, "file": FontFile key}} of
    every font on every page."""
    found: dict[str, dict] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page.get("/Resources")
        if resources is None or "/Font" not in resources.get_object():
            continue
        for font in resources.get_object()["/Font"].get_object().values():
            font = font.get_object()
            name = str(font["/BaseFont"]).lstrip("/")
            name = name.split("+", 1)[1] if "+" in name[:7] else name
            descriptor = font.get("/FontDescriptor")
            keys = list(descriptor.get_object()) if descriptor is not None else []
            found[name] = {
                "embedded": _embedded(font),
                "file": next((key for key in FONT_FILES if key in keys), None),
            }
    return found


def assert_fonts_embedded(data: bytes) -> dict[str, dict]:
    """Every font of the PDF is embedded as a TrueType font file and none is the unembedded
    CID font STSong-Light; returns the fonts."""
    found = fonts(data)
    assert found, "the PDF uses no font"
    assert not [name for name, font in found.items() if not font["embedded"]], found
    assert {font["file"] for font in found.values()} == {"/FontFile2"}, found
    assert b"STSong" not in data
    return found
