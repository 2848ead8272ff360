import datetime as dt
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from exports.writer import Column, SafeWorkbook, truncation_mark

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    # Full-width signs: spreadsheet programs with an East Asian input method take them as
    # formula signs too.
    '＝HYPERLINK("http://x","y")',
    "＋1",
    "－1+2",
    "＠SUM(A1)",
]


def _write(tmp_path, rows, columns=None):
    book = SafeWorkbook(time_zone="Asia/Shanghai")
    sheet = book.sheet("名单", columns or [Column("姓名"), Column("备注")])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "out.xlsx"
    book.save(path)
    return load_workbook(path)


def test_formula_looking_text_is_stored_as_text_with_a_quote_prefix(tmp_path):
    workbook = _write(tmp_path, [[text, "x"] for text in HOSTILE])
    sheet = workbook["名单"]
    for row, text in enumerate(HOSTILE, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s"
        # XML turns a carriage return into a line feed; either way it stays text.
        assert cell.value in (text, text.replace("\r", "\n"))
        assert cell.quotePrefix is True


def test_control_characters_are_removed_and_chinese_kept(tmp_path):
    workbook = _write(tmp_path, [["张\x00三\x07", "第一行\n第二行\x1b"]])
    sheet = workbook.active
    assert sheet["A2"].value == "张三"
    assert sheet["B2"].value == "第一行\n第二行"


def test_very_long_text_is_cut_to_what_excel_accepts(tmp_path):
    workbook = _write(tmp_path, [["李四", "长" * 40000]])
    value = workbook.active["B2"].value
    assert len(value) == 32767
    assert value.endswith(truncation_mark())
    assert value.startswith("长" * 1000)


def test_aware_datetimes_become_local_times_and_dates_stay_dates(tmp_path):
    moment = dt.datetime(2026, 11, 10, 1, 30, tzinfo=ZoneInfo("UTC"))
    workbook = _write(
        tmp_path,
        [[moment, dt.date(2026, 11, 11)]],
        columns=[Column("时间", number_format="yyyy-mm-dd hh:mm"), Column("日期")],
    )
    sheet = workbook.active
    assert sheet["A2"].value == dt.datetime(2026, 11, 10, 9, 30)
    assert sheet["A2"].is_date
    assert sheet["B2"].value == dt.datetime(2026, 11, 11, 0, 0)
    assert sheet["B2"].is_date


def test_header_is_frozen_filtered_and_columns_have_widths(tmp_path):
    workbook = _write(
        tmp_path, [["王五", 1], ["赵六", 2]], columns=[Column("姓名", 12), Column("次数", 8)]
    )
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"
    assert sheet.column_dimensions["A"].width == 12
    assert [cell.value for cell in sheet[1]] == ["姓名", "次数"]
    assert sheet["B3"].value == 2
