"""The attendance spreadsheets, read back with openpyxl and with LibreOffice."""

import csv
import datetime
import os
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import Organisation
from accounts.roles import Role
from attendance import services
from attendance.exporters import (
    AttendanceSheetExporter,
    CrossCourseAttendanceExporter,
    SignInSheetExporter,
)
from courses.models import Course
from enrollment.exporters import RegistrationListExporter
from enrollment.models import Registration
from exports.writer import SafeWorkbook
from tests.factories.accounts import OrganisationFactory, UserFactory, region
from tests.factories.attendance import AttendanceFactory
from tests.factories.courses import (
    CourseFactory,
    DiscussionGroupFactory,
    SessionFactory,
    at,
)
from tests.factories.enrollment import NominatingUnitFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

NASTY_NAMES = [
    '=HYPERLINK("http://x","y")',
    "+1",
    "@SUM(A1)",
    "张\x07三\x1b",
    "欧阳娜娜",
]


def _write(exporter, path, language="zh-hans"):
    with translation.override(language):
        book = SafeWorkbook(time_zone=exporter.time_zone())
        seen = []
        exporter.write(book, seen.append)
        book.save(path)
    return seen


@pytest.fixture
def past_course():
    """A finished course: two plenary sessions and one group session, all held."""
    first = timezone.localdate() - datetime.timedelta(days=3)
    course = CourseFactory(
        status=Course.Status.PUBLISHED,
        starts_on=first,
        ends_on=first + datetime.timedelta(days=1),
        registration_opens_at=at(first, "00:00") - datetime.timedelta(days=10),
        registration_closes_at=at(first, "00:00"),
        time_zone="Asia/Shanghai",
    )
    group = DiscussionGroupFactory(course=course, name="第一组")
    course.s1 = SessionFactory(course=course, title="开班式", starts_at=at(first, "09:00"))
    course.s2 = SessionFactory(course=course, title="专题讲座", starts_at=at(first, "14:00"))
    course.s3 = SessionFactory(
        course=course,
        title="分组讨论",
        discussion_group=group,
        starts_at=at(first + datetime.timedelta(days=1), "09:00"),
    )
    course.group = group
    return course


def _trainee(course, name, *, code="44", kind=Organisation.Type.CITY_BUREAU, **kwargs):
    organisation = OrganisationFactory(name=f"{name}的单位", region=region(code), type=kind)
    user = UserFactory(full_name=name, organisation=organisation)
    return RegistrationFactory(course=course, trainee=user, **kwargs)


def test_attendance_sheet_values_types_and_dates(past_course, tmp_path):
    course = past_course
    a = _trainee(course, "王五", discussion_group=course.group)
    b = _trainee(course, "李四", code="11", kind=Organisation.Type.ENTERPRISE)
    _trainee(course, "候补者", status=Registration.Status.WAITLISTED)
    AttendanceFactory(registration=a, session=course.s1, status="present")
    AttendanceFactory(registration=a, session=course.s2, status="late")
    AttendanceFactory(registration=a, session=course.s3, status="absent")
    AttendanceFactory(registration=b, session=course.s1, status="absent")
    services.attendance_mark(
        session_id=course.s1.pk,
        registration_ids=[b.pk],
        status="excused",
        reason="补交假条",
        by=UserFactory(roles=[Role.ADMINISTRATOR]),
    )

    exporter = AttendanceSheetExporter(AttendanceSheetExporter.clean_params({"course": course.pk}))
    assert exporter.total() == 2
    path = tmp_path / "sheet.xlsx"
    assert _write(exporter, path)[-1] == 2
    book = load_workbook(path)
    assert book.sheetnames == ["考勤", "按日程统计", "按地区和单位类型"]
    main = book["考勤"]
    header = [c.value for c in main[1]]
    assert header[:7] == ["姓名", "所在单位", "单位类型", "地区", "讨论组", "手机号码", "电子邮箱"]
    first = timezone.localdate() - datetime.timedelta(days=3)
    assert header[7] == f"{first:%Y-%m-%d} 09:00–10:30\n开班式"
    assert header[10:] == [
        "出席",
        "迟到",
        "请假",
        "缺席",
        "未签到",
        "已举行日程",
        "出勤率",
        "考勤更正次数",
    ]
    assert main.freeze_panes == "A2"
    assert main.auto_filter.ref == "A1:R3"
    rows = [[c.value for c in row] for row in main.iter_rows(min_row=2)]
    # Pinyin order: 李 (li) before 王 (wang).
    assert rows[0][:4] == ["李四", "李四的单位", "企业", "北京市"]
    assert rows[0][7:10] == ["请假", None, "—"]
    assert rows[0][10:16] == [0, 0, 1, 0, 1, 2]
    assert rows[0][16] == 0
    assert rows[0][17] == 1  # the excuse replaced an absence
    assert rows[1][17] == 0
    assert rows[1][4] == "第一组"
    assert rows[1][7:10] == ["出席", "迟到", "缺席"]
    assert rows[1][16] == pytest.approx(2 / 3)
    assert main.cell(3, 17).number_format == "0.0%"

    per_session = book["按日程统计"]
    s1 = [c.value for c in per_session[2]]
    assert s1[0] == datetime.datetime.combine(first, datetime.time(9, 0))  # Beijing wall time
    assert per_session.cell(2, 1).is_date
    assert s1[2:] == ["开班式", None, 2, 1, 0, 1, 0, 0, 0.5]
    s3 = [c.value for c in per_session[4]]
    assert s3[3:10] == ["第一组", 1, 0, 0, 0, 1, 0]

    breakdown = [[c.value for c in row] for row in book["按地区和单位类型"].iter_rows(min_row=2)]
    assert ["地区", "广东省", 1, 2, 3, pytest.approx(2 / 3)] in breakdown
    assert ["单位类型", "企业", 1, 0, 2, 0] in breakdown


def test_attendance_sheet_headers_follow_the_requesters_language(past_course, tmp_path):
    _trainee(past_course, "李四")
    exporter = AttendanceSheetExporter({"course": past_course.pk})
    _write(exporter, tmp_path / "en.xlsx", language="en")
    book = load_workbook(tmp_path / "en.xlsx")
    assert book.sheetnames[0] == "Attendance"
    assert book.active["A1"].value == "Full name"
    assert book.active["D2"].value == "Guangdong"


@pytest.mark.parametrize(
    "exporter_class", [AttendanceSheetExporter, RegistrationListExporter, SignInSheetExporter]
)
def test_formula_looking_names_stay_text(past_course, tmp_path, exporter_class):
    for name in NASTY_NAMES:
        _trainee(past_course, name)
    path = tmp_path / "nasty.xlsx"
    _write(exporter_class(exporter_class.clean_params({"course": past_course.pk})), path)
    sheet = load_workbook(path).worksheets[0]
    column = 2 if exporter_class is SignInSheetExporter else 1
    names = {sheet.cell(row, column).value for row in range(2, sheet.max_row + 1)}
    assert names == {'=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "张三", "欧阳娜娜"}
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row, column)
        assert cell.data_type == "s"
        if cell.value[0] in "=+@":
            assert cell.quotePrefix


def test_registration_list(past_course, tmp_path):
    unit = NominatingUnitFactory(course=past_course)
    confirmed = _trainee(past_course, "甲", nominating_unit=unit)
    decider = UserFactory(full_name="审核人")
    Registration.objects.filter(pk=confirmed.pk).update(
        decided_by=decider,
        decided_at=datetime.datetime(2026, 11, 1, 2, 30, tzinfo=datetime.UTC),
        decision_reason="同意",
    )
    _trainee(past_course, "乙", status=Registration.Status.WAITLISTED)
    _trainee(past_course, "丙", status=Registration.Status.WAITLISTED)
    _trainee(past_course, "丁", status=Registration.Status.CANCELLED)
    path = tmp_path / "registrations.xlsx"
    exporter = RegistrationListExporter({"course": past_course.pk})
    assert exporter.total() == 4
    _write(exporter, path)
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    rows = {
        row[0].value: {h: c.value for h, c in zip(header, row, strict=True)}
        for row in sheet.iter_rows(min_row=2)
    }
    assert set(rows) == {"甲", "乙", "丙", "丁"}
    assert rows["甲"]["状态"] == "已确认"
    assert rows["甲"]["审核时间"] == datetime.datetime(2026, 11, 1, 10, 30)
    assert rows["甲"]["审核人"] == "审核人"
    assert rows["甲"]["推荐单位"] == unit.organisation.name
    assert isinstance(rows["甲"]["报名时间"], datetime.datetime)
    assert rows["乙"]["候补位次"] == 1 and rows["丙"]["候补位次"] == 2
    assert rows["丁"]["状态"] == "已取消" and rows["丁"]["候补位次"] is None


def test_sign_in_sheet_for_a_group_session_prints_on_a4(past_course, tmp_path):
    member = _trainee(past_course, "组员", discussion_group=past_course.group)
    _trainee(past_course, "非组员")
    params = SignInSheetExporter.clean_params(
        {"course": past_course.pk, "session": past_course.s3.pk}
    )
    path = tmp_path / "signin.xlsx"
    _write(SignInSheetExporter(params), path)
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == ["序号", "姓名", "所在单位", "签名"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        [1, "组员", member.organisation_name, None]
    ]
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.paperSize == 9
    assert "分组讨论" in sheet.oddHeader.center.text


def test_sign_in_sheet_refuses_a_session_of_another_course(past_course):
    with pytest.raises(ValidationError) as excinfo:
        SignInSheetExporter.clean_params({"course": past_course.pk, "session": SessionFactory().pk})
    assert excinfo.value.code == "invalid_target"


def test_course_exports_are_for_its_organisers_and_administrators(past_course):
    exporter = AttendanceSheetExporter({"course": past_course.pk})
    assert exporter.can_request(past_course.organisers.get())
    assert exporter.can_request(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert not exporter.can_request(UserFactory(roles=[Role.ORGANISER]))
    assert not exporter.can_request(UserFactory(roles=[Role.CHECKIN_STAFF]))


def _cross(**params):
    data = {"date_from": "2000-01-01", "date_to": "2100-01-01", **params}
    return CrossCourseAttendanceExporter(CrossCourseAttendanceExporter.clean_params(data))


def test_cross_course_counts_and_filters(past_course, tmp_path, django_assert_max_num_queries):
    a = _trainee(past_course, "甲", discussion_group=past_course.group)
    b = _trainee(past_course, "乙", code="11", kind=Organisation.Type.ENTERPRISE)
    AttendanceFactory(registration=a, session=past_course.s1, status="present")
    AttendanceFactory(registration=a, session=past_course.s3, status="late")
    AttendanceFactory(registration=b, session=past_course.s1, status="absent")
    for _n in range(20):
        reg = _trainee(past_course, "丙")
        AttendanceFactory(registration=reg, session=past_course.s2)
    CourseFactory(status=Course.Status.DRAFT)  # never exported
    path = tmp_path / "cross.xlsx"
    exporter = _cross()
    assert exporter.total() == 22
    with django_assert_max_num_queries(6):  # whatever the number of rows
        _write(exporter, path)
    sheet = load_workbook(path).active
    rows = {row[3].value: [c.value for c in row] for row in sheet.iter_rows(min_row=2)}
    assert rows["甲"][10:] == [2, 3, pytest.approx(2 / 3)]
    assert rows["乙"][10:] == [0, 2, 0]
    assert rows["甲"][1].date() == past_course.starts_on and sheet.cell(2, 2).is_date
    assert sheet.max_row == 23

    _write(_cross(organisation_type="enterprise"), path)
    assert [c.value for c in load_workbook(path).active["D"]] == ["姓名", "乙"]
    beijing = region("11")
    _write(_cross(region=str(beijing.pk)), path)
    assert [c.value for c in load_workbook(path).active["D"]] == ["姓名", "乙"]
    _write(_cross(date_from="2099-01-01", date_to="2099-12-31"), path)
    assert load_workbook(path).active.max_row == 1


def test_cross_course_params_and_permission():
    with pytest.raises(ValidationError) as excinfo:
        CrossCourseAttendanceExporter.clean_params(
            {"date_from": "2026-02-01", "date_to": "2026-01-01"}
        )
    assert excinfo.value.code == "invalid_filter"
    exporter = _cross()
    assert exporter.can_request(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert not exporter.can_request(UserFactory(roles=[Role.ORGANISER]))


def test_command_line_writes_the_same_spreadsheets(past_course, tmp_path):
    _trainee(past_course, "李四")
    course_file = tmp_path / "course.xlsx"
    call_command("export_attendance", str(past_course.pk), "-o", str(course_file))
    assert load_workbook(course_file).sheetnames[0] == "考勤"
    cross_file = tmp_path / "cross.xlsx"
    call_command(
        "export_attendance", "--from", "2000-01-01", "--to", "2100-01-01", "-o", str(cross_file)
    )
    assert load_workbook(cross_file).active["D2"].value == "李四"


def test_libreoffice_reads_the_attendance_sheet_as_written(past_course, tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: `bash scripts/setup.sh test` installs it"
    a = _trainee(past_course, '=HYPERLINK("http://x","y")', discussion_group=past_course.group)
    _trainee(past_course, "欧阳娜娜")
    AttendanceFactory(registration=a, session=past_course.s1, status="present")
    path = tmp_path / "sheet.xlsx"
    _write(CrossCourseAttendanceExporter(_cross().params), path)
    out = tmp_path / "out"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
    )
    with open(out / "sheet.csv", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    expected = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
    assert len(rows) == len(expected) == 3
    assert rows[0] == [str(v) for v in expected[0]]
    by_name = {row[3]: row for row in rows[1:]}
    # The formula-looking name is text in LibreOffice too, not a link.
    assert by_name['=HYPERLINK("http://x","y")'][10:12] == ["1", "3"]
    assert by_name["欧阳娜娜"][0] == past_course.title
    assert by_name["欧阳娜娜"][1] == past_course.starts_on.isoformat()


def test_command_line_refusals(past_course, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export_attendance", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError):
        call_command("export_attendance", "999999", "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError):
        call_command(
            "export_attendance",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
            "--region",
            "XX",
            "-o",
            str(tmp_path / "x.xlsx"),
        )


def test_command_line_region_filter_and_sign_in_sheet(past_course, tmp_path):
    _trainee(past_course, "粤甲", code="44")
    _trainee(past_course, "京乙", code="11")
    path = tmp_path / "cross.xlsx"
    call_command(
        "export_attendance",
        "--from",
        "2000-01-01",
        "--to",
        "2100-01-01",
        "--region",
        "44",
        "-o",
        str(path),
    )
    assert [c.value for c in load_workbook(path).active["D"]] == ["姓名", "粤甲"]
    call_command("export_attendance", str(past_course.pk), "--sheet", "signin", "-o", str(path))
    assert load_workbook(path).active["A1"].value == "序号"
