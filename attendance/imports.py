"""Reading an attendance spreadsheet for one session: a mobile number or e-mail address and a
status per row, in Chinese or English. Reading is all-or-nothing: every error is reported with
its row number and nothing is saved while any remains."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from attendance.models import Attendance
from portal.uploads import FileKind, validate_upload

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

HEADERS = {
    "phone": {"手机号码", "手机", "mobile number", "mobile", "phone"},
    "email": {"电子邮箱", "邮箱", "e-mail", "email"},
    "status": {"状态", "考勤", "出勤", "status", "attendance"},
    "remark": {"备注", "remark", "remarks", "note"},
}


def _status_words() -> dict[str, str]:
    words = {}
    for value, label in Attendance.Status.choices:
        words[value] = value
        words[str(label).lower()] = value
    words.update({"出席": "present", "迟到": "late", "请假": "excused", "缺席": "absent"})
    words.update({"到": "present", "已到": "present", "缺勤": "absent"})
    return words


@dataclass(frozen=True)
class ImportRow:
    row: int
    phone: str
    email: str
    status: str
    remark: str


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def attendance_import_read(upload: UploadedFile) -> list[ImportRow]:
    """The rows of an uploaded .xlsx, or ValidationError with every problem found."""
    validate_upload(upload, {FileKind.XLSX}, max_bytes=MAX_BYTES)
    book = _workbook_open(upload)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        columns = _columns_find(next(rows, ()))
        words = _status_words()
        found, errors = [], []
        for number, values in enumerate(rows, start=2):
            if number - 1 > MAX_ROWS:
                raise ValidationError(
                    _("The spreadsheet has more than %(max)s rows.") % {"max": MAX_ROWS},
                    code="too_many_rows",
                )
            read = _row_read(number, _Cells(values, columns), words)
            if isinstance(read, ImportRow):
                found.append(read)
            elif read:
                errors.append(read)
    finally:
        book.close()
    if errors:
        raise ValidationError([ValidationError(error, code="invalid_rows") for error in errors])
    if not found:
        raise ValidationError(_("The spreadsheet has no rows to import."), code="empty_sheet")
    return found


def _workbook_open(upload):
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError(
            _("The spreadsheet could not be read. Save it again as .xlsx and retry."),
            code="unreadable",
        ) from exc


def _columns_find(header_row) -> dict[str, int]:
    """Which column holds what, from the first row's headings; the status and a mobile number
    or e-mail address are required."""
    header = [_text(cell).lower() for cell in header_row]
    columns = {}
    for key, names in HEADERS.items():
        for index, name in enumerate(header):
            if name in names:
                columns[key] = index
                break
    if "status" not in columns or not ({"phone", "email"} & columns.keys()):
        raise ValidationError(
            _(
                "The first row must name the columns: a mobile number or e-mail column "
                "and a status column (出席, 迟到, 请假 or 缺席)."
            ),
            code="missing_columns",
        )
    return columns


@dataclass(frozen=True)
class _Cells:
    values: tuple
    columns: dict[str, int]

    def __call__(self, key: str) -> str:
        """The text of a row's cell in the column holding `key`; empty when there is none."""
        index = self.columns.get(key)
        return _text(self.values[index]) if index is not None and index < len(self.values) else ""


def _row_read(number: int, cell: _Cells, words: dict[str, str]) -> ImportRow | str | None:
    """A row as an ImportRow, the message of its error, or None for an empty row."""
    phone, email, status = cell("phone"), cell("email").lower(), cell("status")
    if not (phone or email or status):
        return None
    if not (phone or email):
        return _("Row %(row)s: give a mobile number or an e-mail address.") % {"row": number}
    value = words.get(status.lower())
    if value is None:
        return _("Row %(row)s: “%(status)s” is not a status; use 出席, 迟到, 请假 or 缺席.") % {
            "row": number,
            "status": status[:20],
        }
    return ImportRow(number, phone, email, value, cell("remark")[:200])
