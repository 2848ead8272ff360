"""The safe spreadsheet writer every export uses.

openpyxl in write-only mode, so memory stays flat however many rows stream through. Every
text cell is stored as a string (never a formula), with a quote prefix when it starts with a
character a spreadsheet program would treat as a formula; characters Excel rejects are
removed; aware datetimes become naive local times of the given time zone.
"""

import datetime as dt
import re
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# Control characters Excel refuses (tab, newline and carriage return are allowed).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Full-width ＝＋－＠ too: typed with a Chinese input method, Excel and WPS read them as the
# ASCII signs when the cell is edited.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
MAX_CELL_TEXT = 32767

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2E6E6")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 16
    number_format: str | None = None  # e.g. "yyyy-mm-dd hh:mm" or "0.0%"
    wrap: bool = False


def truncation_mark() -> str:
    """Ends a text cut to fit a cell, in the export's language: nothing is lost silently."""
    return str(_("… [cut: a spreadsheet cell holds at most 32,767 characters]"))


def clean_text(value: str) -> str:
    """Text fit for a cell: characters Excel refuses removed, and at most MAX_CELL_TEXT
    characters; longer text is cut and ends with `truncation_mark()`."""
    text = ILLEGAL_CHARACTERS.sub("", value)
    if len(text) > MAX_CELL_TEXT:
        mark = truncation_mark()
        text = text[: MAX_CELL_TEXT - len(mark)] + mark
    return text


class SheetWriter:
    def __init__(
        self,
        workbook: "SafeWorkbook",
        title: str,
        columns: list[Column],
        *,
        freeze: bool = True,
        print_titles: bool = False,
        landscape: bool = False,
    ) -> None:
        self.book = workbook
        self.columns = columns
        # Columns with neither a number format nor wrapping: their plain values need no style.
        self._plain = [not column.number_format and not column.wrap for column in columns]
        self.sheet = workbook.workbook.create_sheet(title=clean_text(title)[:31] or "Sheet")
        # The style of each other column's non-text cells, set up once and copied to each.
        self._styles: dict[int, Any] = {}
        for index, column in enumerate(columns):
            if not self._plain[index]:
                prototype = WriteOnlyCell(self.sheet)
                if column.number_format:
                    prototype.number_format = column.number_format
                if column.wrap:
                    prototype.alignment = WRAP
                self._styles[index] = prototype._style
        self.rows = 0
        for index, column in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        if freeze:
            self.sheet.freeze_panes = "A2"
        if print_titles:
            self.sheet.print_title_rows = "1:1"
        self.sheet.page_setup.paperSize = "9"  # A4
        if landscape:
            self.sheet.page_setup.orientation = "landscape"
        self.sheet.page_setup.fitToWidth = 1
        self.sheet.page_setup.fitToHeight = 0
        self.sheet.sheet_properties.pageSetUpPr.fitToPage = True
        header: list[WriteOnlyCell] = []
        for column in columns:
            cell = self._cell(column.header)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = WRAP
            header.append(cell)
        self.sheet.append(header)

    def _cell(self, value: Any, column: Column | None = None) -> WriteOnlyCell:
        value = self.book.convert(value)
        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, str):
            # Stored as text whatever it looks like; the quote prefix keeps a spreadsheet
            # program from turning it into a formula when someone edits the cell.
            cell.data_type = "s"
            if value.startswith(FORMULA_TRIGGERS):
                cell.quotePrefix = True
        if column is not None:
            if column.number_format and not isinstance(value, str):
                cell.number_format = column.number_format
            if column.wrap:
                cell.alignment = WRAP
        return cell

    def append(self, values: Iterable[Any]) -> None:
        columns, plain, convert = self.columns, self._plain, self.book.convert
        cells: list[Any] = []
        for index, value in enumerate(values):
            column = columns[index] if index < len(columns) else None
            if column is None or plain[index]:
                # The fast path for most cells: a value openpyxl stores as it is (a number, an
                # empty cell, or text it cannot take for a formula or an error code) goes in
                # without a cell object of our own.
                value = convert(value)
                if value is None or (
                    isinstance(value, str)
                    and not value.startswith(FORMULA_TRIGGERS)
                    and not value.startswith("#")
                    or isinstance(value, int | float)
                ):
                    cells.append(value)
                    continue
            else:
                value = convert(value)
                if not isinstance(value, str):
                    # A number, date or empty cell in a formatted column: its style, copied.
                    cell = WriteOnlyCell(self.sheet, value=value)
                    cell._style = copy(self._styles[index])
                    cells.append(cell)
                    continue
            cells.append(self._cell(value, column))
        self.sheet.append(cells)
        self.rows += 1

    def finish(self) -> None:
        if self.columns:
            last = get_column_letter(len(self.columns))
            self.sheet.auto_filter.ref = f"A1:{last}{self.rows + 1}"


class SafeWorkbook:
    """A write-only workbook; `sheet(...)` adds sheets, `save(path)` writes the file."""

    def __init__(self, *, time_zone: str) -> None:
        self.workbook = Workbook(write_only=True)
        self.time_zone = ZoneInfo(time_zone)
        self._sheets: list[SheetWriter] = []

    def sheet(self, title: str, columns: list[Column], **options: bool) -> SheetWriter:
        writer = SheetWriter(self, title, columns, **options)
        self._sheets.append(writer)
        return writer

    def convert(self, value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float | Decimal):
            return value
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(self.time_zone).replace(tzinfo=None)
            return value
        if isinstance(value, dt.date | dt.time):
            return value
        return clean_text(str(value))

    def save(self, path: str | Path) -> None:
        for sheet in self._sheets:
            sheet.finish()
        if not self._sheets:
            self.workbook.create_sheet("Sheet")
        self.workbook.save(path)
