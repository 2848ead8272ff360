"""Document numbers (文号) such as `发改振兴〔2015〕2103号`, parsed for search.

A number is written as an issuing prefix (发改振兴), the year in hexagonal brackets and the
serial, followed by 号. People type it every which way: `[2015]2103`, `(2015)2103`,
`2015年2103号`, `2015 2103`, with full-width digits or brackets. We reduce every spelling to the
same three parts and search on those.
"""

import re
import unicodedata
from typing import NamedTuple

# Opening and closing brackets people use for the year, after NFKC folding (which turns
# full-width ［］（）｛｝ into their ASCII forms but leaves 〔〕【】〈〉《》 alone).
_OPEN = "〔【〈《[({<"
_CLOSE = "〕】〉》])}>"
_NUMBER = re.compile(
    rf"""
    ^(?P<prefix>[^\d]*?)\s*
    [{re.escape(_OPEN)}]?\s*
    (?P<year>(?:19|20)\d{{2}})\s*
    [{re.escape(_CLOSE)}年]?
    [\s\-/,，、.．第]*
    (?P<serial>\d{{1,6}})\s*
    号?$
    """,
    re.VERBOSE,
)


class DocumentNumber(NamedTuple):
    prefix: str
    year: int
    serial: int

    @property
    def key(self) -> str:
        """One canonical spelling, stored for exact look-ups and shown in the admin."""
        return f"{self.prefix}〔{self.year}〕{self.serial}号"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(text.split())


def parse_document_number(text: str) -> DocumentNumber | None:
    """The prefix, year and serial of a document number, or None when it is not one.

    Leading zeros of the serial are dropped (`〔2015〕02103号` is serial 2103) and the prefix
    loses its spaces, so `发改 振兴` and `发改振兴` are the same.
    """
    folded = unicodedata.normalize("NFKC", text or "").strip()
    match = _NUMBER.match(folded)
    if not match:
        return None
    prefix = _fold(match["prefix"]).rstrip(_OPEN)
    return DocumentNumber(prefix=prefix, year=int(match["year"]), serial=int(match["serial"]))


def normalise_prefix(text: str) -> str:
    return _fold(text)


def number_parts(number: str) -> dict:
    """The stored search fields of a document number (PolicyDocument.number_*)."""
    parsed = parse_document_number(number)
    if parsed is None:
        return {
            "number_prefix": "",
            "number_year": None,
            "number_serial": None,
            "number_key": normalise_prefix(number),
        }
    return {
        "number_prefix": parsed.prefix,
        "number_year": parsed.year,
        "number_serial": parsed.serial,
        "number_key": parsed.key,
    }
