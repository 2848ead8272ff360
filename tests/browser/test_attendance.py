"""Check-in staff mark a trainee on a phone; a trainee checks in from the QR link; an
administrator builds the cross-course attendance spreadsheet and downloads it."""

import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from attendance.models import Attendance
from attendance.services import qr_token_make
from courses.models import Course, CourseCheckinStaff
from tests.browser.screenshots import save_screenshot
from tests.browser.test_courses import sign_in
from tests.factories.accounts import UserFactory
from tests.factories.attendance import AttendanceFactory
from tests.factories.courses import CourseFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def _running_session():
    today = timezone.localdate()
    course = CourseFactory(
        status=Course.Status.PUBLISHED,
        title="全国高技能人才政策培训班",
        starts_on=today,
        ends_on=today,
        registration_opens_at=timezone.now() - datetime.timedelta(days=5),
        registration_closes_at=timezone.now() - datetime.timedelta(hours=1),
    )
    now = timezone.now()
    return SessionFactory(
        course=course,
        title="开班式",
        starts_at=now - datetime.timedelta(minutes=2),
        ends_at=now + datetime.timedelta(hours=1),
    )


def test_checkin_staff_marks_a_trainee_from_the_roster_on_a_phone(phone_page, live_server):
    page = phone_page
    session = _running_session()
    for name in ("赵一", "钱二", "孙三"):
        RegistrationFactory(course=session.course, trainee=UserFactory(full_name=name))
    wang = RegistrationFactory(course=session.course, trainee=UserFactory(full_name="王小明"))
    staff = UserFactory(roles=[Role.CHECKIN_STAFF])
    sign_in(page, live_server, staff)

    page.goto(live_server.url + f"/attendance/session/{session.pk}/")
    page.locator("#roster-q").fill("小明")
    assert page.locator(".roster-row:visible").count() == 1
    row = page.locator(f"#r{wang.pk}")
    row.get_by_role("button", name="出席：王小明").click()
    row.locator(".roster-status > .badge[data-status='present']").wait_for()
    assert row.locator(".roster-status").inner_text().strip() == "出席"
    mark = Attendance.objects.get()
    assert (mark.registration, mark.status, mark.marked_by) == (wang, "present", staff)

    # Undoing a mark given is a correction: the roster asks why, and keeps the history.
    page.once("dialog", lambda dialog: dialog.accept("点错了"))
    row.get_by_role("button", name="撤销：王小明").click()
    row.locator(".roster-status > .badge[data-status='']").wait_for()
    assert not Attendance.objects.exists()
    history = row.locator(".roster-history")
    assert history.locator("summary").inner_text() == "已更正"
    history.locator("summary").click()  # a tap opens the history on a phone
    assert "出席 → 未签到" in history.inner_text() and "点错了" in history.inner_text()

    page.once("dialog", lambda dialog: dialog.accept("病假"))
    row.get_by_role("button", name="请假：王小明").click()
    row.locator(".roster-status > .badge[data-status='excused']").wait_for()
    assert "病假" in row.locator(".roster-meta").inner_text()
    assert Attendance.objects.get().remark == "病假"
    save_screenshot(page, "checkin-roster")


def test_staff_of_one_course_find_its_roster_from_the_menu_on_a_phone(phone_page, live_server):
    page = phone_page
    session = _running_session()
    CourseFactory(status=Course.Status.PUBLISHED, title="别的培训班")
    staff = UserFactory()
    CourseCheckinStaff.objects.create(course=session.course, user=staff)
    sign_in(page, live_server, staff)

    page.goto(live_server.url + "/")
    page.locator(".navbar-toggler").click()
    page.locator("#nav-attendance").click()
    courses = page.locator("#attendance-courses")
    assert courses.locator(".fw-semibold").all_inner_texts() == ["全国高技能人才政策培训班"]
    courses.get_by_text("全国高技能人才政策培训班").click()
    page.get_by_role("link", name="签到名单").first.click()
    page.wait_for_url(f"**/attendance/session/{session.pk}/")


def test_trainee_checks_in_by_opening_the_qr_link(phone_page, live_server):
    page = phone_page
    session = _running_session()
    registration = RegistrationFactory(course=session.course)
    url = live_server.url + f"/attendance/checkin/{qr_token_make(session_id=session.pk)}/"

    page.goto(url)  # not signed in yet: the login page first
    page.locator("#id_login").fill(registration.trainee.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    result = page.locator("#checkin-result")
    result.wait_for()
    assert "签到成功" in result.inner_text()
    save_screenshot(page, "trainee-checkin", english=False)  # opening it again checks in again
    mark = Attendance.objects.get()
    assert (mark.registration, mark.status, mark.method) == (registration, "present", "qr")

    page.goto(url)  # scanning again records nothing new
    assert "无需重复签到" in page.locator("#checkin-result").inner_text()
    assert Attendance.objects.count() == 1


def test_administrator_exports_attendance_across_courses(
    page, live_server, celery_worker, tmp_path
):
    first = timezone.localdate() - datetime.timedelta(days=3)
    course = CourseFactory(
        status=Course.Status.PUBLISHED,
        title="校企双制试点培训班",
        starts_on=first,
        ends_on=first,
        registration_opens_at=timezone.now() - datetime.timedelta(days=20),
        registration_closes_at=timezone.now() - datetime.timedelta(days=4),
    )
    session = SessionFactory(course=course)
    for n in range(30):
        registration = RegistrationFactory(course=course)
        if n % 3:
            AttendanceFactory(registration=registration, session=session)
    admin = UserFactory(roles=[Role.ADMINISTRATOR], full_name="管理员乙")
    sign_in(page, live_server, admin)

    page.goto(live_server.url + "/attendance/")
    form = page.locator("#cross-course-export")
    form.locator("#id_date_from").fill(f"{first - datetime.timedelta(days=30):%Y-%m-%d}")
    form.locator("#id_date_to").fill(f"{timezone.localdate():%Y-%m-%d}")
    form.get_by_role("button", name="生成电子表格").click()

    download_button = page.get_by_role("link", name="下载电子表格")
    download_button.wait_for(state="visible", timeout=30000)
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "100"
    save_screenshot(page, "attendance-export")
    with page.expect_download() as info:
        download_button.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    sheet = load_workbook(saved).active
    assert sheet["A1"].value == "培训班"
    assert sheet.max_row == 31
    attended = sorted(sheet.cell(row, 11).value for row in range(2, 32))
    assert attended.count(1) == 20 and attended.count(0) == 10


def test_qr_screen_and_roster_show_checkins_as_they_arrive(page, live_server):
    session = _running_session()
    registration = RegistrationFactory(course=session.course, trainee=UserFactory(full_name="李四"))
    RegistrationFactory(course=session.course)
    organiser = session.course.organisers.get()
    sign_in(page, live_server, organiser)

    page.clock.install()
    page.goto(live_server.url + f"/attendance/session/{session.pk}/qr/")
    assert page.locator("#qr-image").get_attribute("src").startswith("data:image/svg+xml")
    assert page.locator("#qr-attended").inner_text() == "0"
    assert page.locator("#qr-expected").inner_text() == "2"
    check_in_url = page.locator("#qr-url").inner_text()
    assert "/attendance/checkin/" in check_in_url

    from attendance.services import qr_checkin

    token = check_in_url.rstrip("/").rsplit("/", 1)[1]
    qr_checkin(token=token, user=registration.trainee)
    page.clock.run_for(31000)  # the code turns over; the page fetches a fresh one
    page.locator("#qr-attended", has_text="1").wait_for()
    save_screenshot(page, "checkin-qr-screen")

    page.goto(live_server.url + f"/attendance/session/{session.pk}/")
    badge = page.locator(f"#r{registration.pk} .roster-status > .badge")
    assert badge.get_attribute("data-status") == "present"
    Attendance.objects.filter(registration=registration).update(status="late")
    page.clock.run_for(10500)  # the roster's refresh
    page.locator(f"#r{registration.pk} .roster-status > .badge[data-status='late']").wait_for()
    assert page.locator("#roster-counts [data-count='late']").inner_text() == "1"


def _scan(page, qr_image) -> str:
    """What a phone's camera reads from the code on the organiser's screen."""
    import io

    import zxingcpp
    from PIL import Image

    picture = Image.open(io.BytesIO(qr_image.screenshot()))
    [code] = zxingcpp.read_barcodes(picture)
    return code.text


def _check_in_on_phone(phone, live_server, trainee, url: str) -> str:
    phone.goto(url)  # not signed in yet: the sign-in page first, then back to the code
    phone.get_by_label("电子邮件").fill(trainee.email)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    result = phone.locator("#checkin-result")
    result.wait_for()
    return result.inner_text()


def test_trainee_scans_the_code_in_time_and_a_later_one_is_late(
    page, phone_page, live_server, chromium
):
    session = _running_session()  # began two minutes ago; ten minutes' grace by default
    early = RegistrationFactory(course=session.course, trainee=UserFactory(full_name="周早到"))
    later = RegistrationFactory(course=session.course, trainee=UserFactory(full_name="吴晚到"))
    sign_in(page, live_server, session.course.organisers.get())
    page.goto(live_server.url + f"/attendance/session/{session.pk}/qr/")
    url = _scan(page, page.get_by_role("img", name="签到二维码"))
    assert url.startswith(live_server.url + "/attendance/checkin/")

    assert "签到成功" in _check_in_on_phone(phone_page, live_server, early.trainee, url)
    phone_page.get_by_role("link", name="我的考勤").click()
    assert "出席" in phone_page.locator("main").inner_text()

    # A quarter of an hour passes: the session began 17 minutes ago, past the grace period.
    Session = type(session)
    quarter = datetime.timedelta(minutes=15)
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at - quarter, ends_at=session.ends_at - quarter
    )
    page.reload()
    url = _scan(page, page.get_by_role("img", name="签到二维码"))
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        second_phone = context.new_page()
        text = _check_in_on_phone(second_phone, live_server, later.trainee, url)
    finally:
        context.close()
    assert "签到（迟到）" in text
    marks = dict(Attendance.objects.values_list("registration__trainee__full_name", "status"))
    assert marks == {"周早到": "present", "吴晚到": "late"}

    page.get_by_role("link", name="签到名单").click()
    assert page.locator(f"#r{later.pk} .roster-status").inner_text().strip() == "迟到"
    assert page.locator(f"#r{early.pk} .roster-status").inner_text().strip() == "出席"
