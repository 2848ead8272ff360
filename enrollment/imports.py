"""Nominee spreadsheets: the downloadable template, the upload checks, and reading the rows.

Reading uses openpyxl in read-only mode; defusedxml is installed, so openpyxl parses the XML
through it. Before openpyxl sees the file, its size and ZIP structure are checked, so a ZIP
bomb or a macro-enabled workbook is refused without being unpacked.
"""

import io
import zipfile
from collections.abc import Generator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import load_workbook

from accounts.models import Organisation, Region
from exports.writer import Column, SafeWorkbook

MACRO_MARKERS = ("macroenabled", "vbaproject", "activex", "vbadata")
MAX_MEMBERS = 1000
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200


@dataclass(frozen=True)
class NomineeColumn:
    key: str
    label: object  # lazy translation
    required: bool
    example: str
    width: float = 18


COLUMNS = [
    NomineeColumn("full_name", pgettext_lazy("person", "Full name"), True, "张三", 12),
    NomineeColumn("email", _("E-mail"), True, "zhang.san@example.cn", 26),
    NomineeColumn("phone", _("Mobile number"), True, "13800138000", 16),
    NomineeColumn("organisation_name", _("Organisation"), True, "广东省人力资源和社会保障厅", 30),
    NomineeColumn("organisation_type", _("Organisation type"), True, "省级厅局", 18),
    NomineeColumn("region", _("Region"), True, "广东省", 12),
    NomineeColumn("position", _("Position"), False, "处长", 14),
]
# Headers are accepted in either language, whatever language the template was made in.
HEADER_ALIASES: dict[str, str] = {}


def _header_aliases() -> dict[str, str]:
    from django.utils import translation

    if not HEADER_ALIASES:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for column in COLUMNS:
                    HEADER_ALIASES[normalise(str(column.label))] = column.key
    return HEADER_ALIASES


def normalise(text: object) -> str:
    return "".join(str(text or "").split()).lower().rstrip("*")


def nominee_template(path_or_file, *, time_zone: str) -> None:
    """The template: the columns (required ones marked *) and one example row."""
    book = SafeWorkbook(time_zone=time_zone)
    sheet = book.sheet(
        str(_("Nominees")),
        [
            Column(f"{column.label}{'*' if column.required else ''}", width=column.width)
            for column in COLUMNS
        ],
    )
    sheet.append([column.example for column in COLUMNS])
    book.save(path_or_file)


def max_upload_bytes() -> int:
    return settings.PORTAL_IMPORT_MAX_BYTES


def check_upload(upload: UploadedFile) -> bytes:
    """The file's bytes once its name, size and structure are acceptable."""
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(".xlsx"):
        raise ValidationError(
            _("Upload an Excel workbook (.xlsx); start from the template."), code="file_type"
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    if size > max_upload_bytes():
        # Sizes in B/KB/MB as fit: a limit under 1 MB must not read "at most 0 MB".
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_upload_bytes())},
        )
    upload.seek(0)
    data = upload.read()
    if not data.startswith(b"PK\x03\x04"):
        raise ValidationError(
            _("The file's content does not match its extension."), code="file_content_mismatch"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValidationError(
            _("The file's content does not match its extension."), code="file_content_mismatch"
        ) from exc
    with archive:
        members = archive.infolist()
        total = sum(member.file_size for member in members)
        compressed = max(1, sum(member.compress_size for member in members))
        if len(members) > MAX_MEMBERS or total > MAX_UNCOMPRESSED or total / compressed > MAX_RATIO:
            raise ValidationError(
                _("The workbook expands to an implausible size and was refused."),
                code="zip_bomb",
            )
        names = " ".join(member.filename for member in members).lower()
        content_types = b""
        if "[Content_Types].xml" in {member.filename for member in members}:
            content_types = archive.read("[Content_Types].xml").lower()
        if any(marker in names for marker in MACRO_MARKERS) or any(
            marker.encode() in content_types for marker in MACRO_MARKERS
        ):
            raise ValidationError(
                _("Workbooks with macros are not accepted. Save it as a normal .xlsx file."),
                code="file_macro",
            )
        if "xl/workbook.xml" not in names:
            raise ValidationError(
                _("The file's content does not match its extension."),
                code="file_content_mismatch",
            )
    return data


@dataclass
class RawRow:
    number: int  # the row number in the spreadsheet (the header is row 1)
    values: dict[str, str]
    # Columns whose cell holds a formula: never evaluated, reported so the value is typed.
    formulas: frozenset[str] = frozenset()


def read_rows(data: bytes) -> tuple[int, Generator[RawRow, None, None]]:
    """(row count estimate, rows) of the first sheet; raises ValidationError on a bad header."""
    try:
        # Formulas are read as formulas (not their cached results) so that they can be refused.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:
        raise ValidationError(
            _("The workbook could not be read. Save it again as .xlsx and retry."),
            code="file_unreadable",
        ) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows()
    header = [cell.value for cell in next(rows, None) or ()]
    aliases = _header_aliases()
    positions = {}
    for index, title in enumerate(header):
        key = aliases.get(normalise(title))
        if key and key not in positions:
            positions[key] = index
    missing = [str(c.label) for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        book.close()
        raise ValidationError(
            _("The first row must hold the template's column titles. Missing: %(missing)s."),
            code="bad_header",
            params={"missing": "、".join(missing)},
        )
    total = max(0, (sheet.max_row or 1) - 1)

    def iterate() -> Generator[RawRow, None, None]:
        try:
            for number, row in enumerate(rows, start=2):
                cells = {key: row[index] for key, index in positions.items() if index < len(row)}
                formulas = frozenset(k for k, cell in cells.items() if cell.data_type == "f")
                values = {key: "" for key in positions}
                values.update(
                    (key, _text(cell.value)) for key, cell in cells.items() if key not in formulas
                )
                if not any(values.values()) and not formulas:
                    continue  # blank lines are allowed
                yield RawRow(number=number, values=values, formulas=formulas)
        finally:
            book.close()

    return total, iterate()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed as a number
    return " ".join(str(value).split())


def region_lookup() -> dict[str, Region]:
    """Regions by Chinese name, English name and code, also without 省/市/自治区 suffixes."""
    lookup: dict[str, Region] = {}
    for region in Region.objects.all():
        for name in (region.name_zh, region.name_en, region.code):
            lookup[normalise(name)] = region
        for suffix in ("省", "市", "自治区", "特别行政区"):
            if region.name_zh.endswith(suffix):
                lookup.setdefault(normalise(region.name_zh[: -len(suffix)]), region)
    return lookup


def organisation_type_lookup() -> dict[str, str]:
    from django.utils import translation

    lookup = {}
    for value, label in Organisation.Type.choices:
        lookup[normalise(value)] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[normalise(str(label))] = value
    return lookup
