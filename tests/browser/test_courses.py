"""An organiser builds and publishes a course in the browser; a visitor finds it on a phone."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from courses.models import Course
from tests.browser.screenshots import save_screenshot
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")


def test_organiser_creates_schedules_and_publishes_a_course(page, live_server):
    organiser = UserFactory(roles=[Role.ORGANISER], email="wang.zuzhi@example.cn")
    speaker = SpeakerFactory(name="陈立新", title="司长")
    sign_in(page, live_server, organiser)

    page.get_by_role("link", name="培训班管理", exact=True).click()
    page.wait_for_url("**/courses/manage/")
    page.locator("main a[href$='/courses/manage/new/']").first.click()

    start = timezone.localdate() + datetime.timedelta(days=20)
    page.locator("#id_title").fill("全国技工院校教学管理培训班")
    page.locator("#id_summary").fill("技工院校教学管理政策解读")
    page.locator("#id_starts_on").fill(start.isoformat())
    page.locator("#id_ends_on").fill((start + datetime.timedelta(days=1)).isoformat())
    page.locator("#id_venue").fill("培训中心报告厅")
    page.locator("#id_city").fill("北京")
    page.locator("#id_registration_opens_at").fill(f"{timezone.localdate().isoformat()}T09:00")
    page.locator("#id_registration_closes_at").fill(
        f"{(start - datetime.timedelta(days=2)).isoformat()}T18:00"
    )
    page.locator("#id_capacity").fill("60")
    page.locator("input[name=save]").click()
    page.wait_for_url("**/courses/manage/*/")
    course = Course.objects.get(title="全国技工院校教学管理培训班")
    assert course.status == Course.Status.DRAFT
    # Publishing is not offered as complete yet: the timetable is empty.
    assert page.locator(".alert-warning li").count() >= 1
    save_screenshot(page, "organiser-course-editor")

    page.locator(".manage-tabs a[href$='/sessions/']").click()
    page.locator("#id_kind").select_option("opening")
    page.locator("#id_title").fill("开班仪式")
    page.locator("#id_day").fill(start.isoformat())
    page.locator("#id_start_time").fill("09:00")
    page.locator("#id_end_time").fill("09:30")
    page.locator("#id_room").fill("报告厅")
    page.locator("input[name=save]").click()
    page.wait_for_load_state()
    page.locator("#id_kind").select_option("lecture")
    page.locator("#id_title").fill("教学管理政策解读")
    page.locator("#id_day").fill(start.isoformat())
    page.locator("#id_start_time").fill("09:15")
    page.locator("#id_end_time").fill("10:30")
    page.locator("#id_room").fill("报告厅")
    page.get_by_label(str(speaker), exact=True).check()
    page.locator("input[name=save]").click()
    # Overlap in the same room: refused with a message on the room field.
    assert page.locator("#id_room.is-invalid").is_visible()
    page.locator("#id_start_time").fill("09:40")
    page.locator("input[name=save]").click()
    page.wait_for_load_state()
    assert page.locator("table.timetable tbody tr").count() == 2
    assert page.get_by_text("陈立新").first.is_visible()
    save_screenshot(page, "organiser-timetable")

    page.locator(".manage-tabs a").first.click()
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_load_state()
    assert page.locator("#course-status").inner_text() == "已发布"
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED

    page.goto(live_server.url + "/courses/")
    page.get_by_role("link", name="全国技工院校教学管理培训班").click()
    assert page.get_by_role("heading", level=1).inner_text() == "全国技工院校教学管理培训班"
    assert page.get_by_text("教学管理政策解读", exact=True).is_visible()


def test_visitor_finds_a_course_by_a_chinese_term_on_a_phone(phone_page, live_server):
    course = CourseFactory(
        title="全国高技能人才政策培训班",
        summary="解读第15号文件",
        status=Course.Status.PUBLISHED,
    )
    SessionFactory(course=course, title="开班仪式", speakers=[SpeakerFactory(name="刘建华")])
    CourseFactory(title="产教融合校企双制试点工作培训班", status=Course.Status.PUBLISHED)
    page = phone_page

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="浏览培训班目录").click()
    page.locator("#id_q").fill("高技能")
    page.locator("#id_q").press("Enter")
    page.wait_for_url("**/courses/?q=*")
    results = page.locator(".course-card")
    assert results.count() == 1
    assert "产教融合" not in page.locator("main").inner_text()
    results.first.get_by_role("link").click()

    page.wait_for_url(f"**/courses/{course.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == course.title
    assert page.get_by_text("开班仪式").is_visible()
    assert page.get_by_text("刘建华").first.is_visible()
    assert page.locator("#registration").is_visible()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
