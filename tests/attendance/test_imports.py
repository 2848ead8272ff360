import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from attendance import services
from attendance.imports import attendance_import_read
from attendance.models import Attendance, AttendanceChange
from tests.factories.accounts import UserFactory
from tests.factories.attendance import AttendanceFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db


def xlsx(rows, name="attendance.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _import(session, upload, by, reason=""):
    return services.attendance_import(
        session_id=session.pk, rows=attendance_import_read(upload), by=by, reason=reason
    )


def test_import_by_mobile_or_email_in_either_language(session, organiser):
    a = RegistrationFactory(course=session.course, phone="13800000001")
    b = RegistrationFactory(course=session.course)
    c = RegistrationFactory(course=session.course, phone="13800000003")
    AttendanceFactory(registration=c, session=session, status="absent")
    upload = xlsx(
        [
            ["姓名", "手机号码", "电子邮箱", "状态", "备注"],
            ["甲", 13800000001, "", "出席", ""],
            ["乙", "", b.trainee.email.upper(), "Excused", "病假"],
            [None, None, None, None, None],
            ["丙", "13800000003", "", "迟到", ""],
        ]
    )
    assert _import(session, upload, organiser, reason="按纸质签到表补录") == 3
    marks = {m.registration_id: m for m in Attendance.objects.all()}
    assert (marks[a.pk].status, marks[a.pk].method) == ("present", "import")
    assert (marks[b.pk].status, marks[b.pk].remark) == ("excused", "病假")
    assert marks[c.pk].status == "late"  # replaced


def test_an_import_that_changes_marks_needs_a_reason_and_keeps_the_history(session, organiser):
    a = RegistrationFactory(course=session.course, phone="13800000001")
    b = RegistrationFactory(course=session.course, phone="13800000002")
    AttendanceFactory(registration=a, session=session, status="absent", method="automatic")
    AttendanceFactory(registration=b, session=session, status="present")
    rows = [["手机号码", "状态"], ["13800000001", "出席"], ["13800000002", "出席"]]
    with pytest.raises(ValidationError) as excinfo:
        _import(session, xlsx(rows), organiser)
    assert excinfo.value.error_list[0].code == "reason_required"
    assert "1" in excinfo.value.messages[0]  # one mark would change; the same one would not
    assert Attendance.objects.get(registration=a).status == "absent"  # nothing saved
    assert not AttendanceChange.objects.exists()
    assert _import(session, xlsx(rows), organiser, reason="按纸质签到表更正") == 2
    change = AttendanceChange.objects.get()
    assert (change.registration, change.old_status, change.old_method, change.new_status) == (
        a,
        "absent",
        "automatic",
        "present",
    )
    assert (change.method, change.reason, change.changed_by) == (
        "import",
        "按纸质签到表更正",
        organiser,
    )


def test_every_row_error_is_reported_and_nothing_is_saved(session, organiser):
    a = RegistrationFactory(course=session.course, phone="13800000001")
    RegistrationFactory(course=session.course, phone="13800000002", status="waitlisted")
    upload = xlsx(
        [
            ["手机号码", "状态"],
            ["13800000001", "出席"],
            ["13800000002", "出席"],  # not confirmed
            ["13800000001", "缺席"],  # twice
            ["13900000000", "出席"],  # nobody
        ]
    )
    with pytest.raises(ValidationError) as excinfo:
        _import(session, upload, organiser)
    assert excinfo.value.messages == [
        "第3行：本日程没有手机号码或电子邮箱为13800000002的已确认学员。",
        "第4行：与第2行为同一名学员。",
        "第5行：本日程没有手机号码或电子邮箱为13900000000的已确认学员。",
    ]
    assert {error.code for error in excinfo.value.error_list} == {"invalid_rows"}
    assert not Attendance.objects.exists()
    assert a.pk


def test_reading_errors_have_row_numbers(session):
    upload = xlsx([["手机号码", "状态"], ["13800000001", "到了"], ["", "出席"]])
    with pytest.raises(ValidationError) as excinfo:
        attendance_import_read(upload)
    assert excinfo.value.error_list[0].code == "invalid_rows"
    assert [m[:3] for m in excinfo.value.messages] == ["第2行", "第3行"]


@pytest.mark.parametrize(
    "upload,code",
    [
        (lambda: xlsx([["姓名", "单位"], ["甲", "乙"]]), "missing_columns"),
        (lambda: xlsx([["手机号码", "状态"]]), "empty_sheet"),
        (lambda: xlsx([["手机号码", "状态"]], name="macro.xlsm"), "macro"),
        (
            lambda: SimpleUploadedFile("fake.xlsx", b"<html>not a workbook</html>"),
            "content_mismatch",
        ),
        (lambda: SimpleUploadedFile("empty.xlsx", b""), "empty"),
        (lambda: SimpleUploadedFile("a.csv", b"phone,status"), "extension"),
    ],
)
def test_bad_files_are_refused_with_a_code(upload, code):
    with pytest.raises(ValidationError) as excinfo:
        attendance_import_read(upload())
    assert excinfo.value.error_list[0].code == code


def test_import_page(client, session, organiser, trainee, registration):
    url = reverse("attendance:attendance-import", args=[session.pk])
    client.force_login(trainee)
    assert client.get(url).status_code == 404
    client.force_login(organiser)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"file": xlsx([["手机号码", "状态"], ["13900000000", "出席"]])})
    assert bad.status_code == 400 and "第2行" in bad.content.decode()
    good = client.post(
        url, {"file": xlsx([["电子邮箱", "状态"], [registration.trainee.email, "出席"]])}
    )
    assert good.status_code == 302
    assert Attendance.objects.get().method == "import"
    change = xlsx([["电子邮箱", "状态"], [registration.trainee.email, "缺席"]])
    refused = client.post(url, {"file": change})
    assert refused.status_code == 400 and "更正原因" in refused.content.decode()
    change.seek(0)
    assert client.post(url, {"file": change, "reason": "早退"}).status_code == 302
    assert AttendanceChange.objects.get().reason == "早退"
    assert client.post(url).status_code == 400  # no file


def test_only_staff_may_import(session, registration):
    upload = xlsx([["电子邮箱", "状态"], [registration.trainee.email, "出席"]])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _import(session, upload, UserFactory())
