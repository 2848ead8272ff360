"""A trainee registers and cancels on a phone; an organiser approves in bulk."""

import pytest

from accounts.roles import Role
from courses.models import Course
from enrollment.models import Registration
from tests.browser.screenshots import save_screenshot
from tests.browser.test_courses import sign_in
from tests.enrollment.conftest import trainee_from
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.browser


def test_trainee_registers_and_cancels_on_a_phone(phone_page, live_server):
    page = phone_page
    course = CourseFactory(status=Course.Status.PUBLISHED, title="职业技能提升培训班")
    SessionFactory(course=course)
    trainee = trainee_from("44", email="li.xueyuan@example.cn")
    sign_in(page, live_server, trainee)

    page.goto(live_server.url + course.get_absolute_url())
    page.locator("#register-button").click()
    page.locator("#id_position").fill("科员")
    page.locator("#confirm-registration").click()
    page.wait_for_url(f"**/courses/{course.pk}/")
    assert "已确认" in page.locator("#my-registration-status").inner_text()
    registration = Registration.objects.get(trainee=trainee)
    assert registration.status == "confirmed"
    save_screenshot(page, "trainee-registered")

    page.goto(live_server.url + "/enrollment/mine/")
    assert "职业技能提升培训班" in page.locator("main").inner_text()
    page.locator(f"[data-registration='{registration.pk}'] a.btn-outline-danger").click()
    page.locator("#id_reason").fill("工作安排冲突")
    page.locator("#confirm-cancel").click()
    page.wait_for_url("**/enrollment/mine/")
    assert "已取消" in page.locator("main").inner_text()
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert registration.cancel_reason == "工作安排冲突"


def test_organiser_approves_in_bulk(page, live_server):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(
        status=Course.Status.PUBLISHED, requires_approval=True, organisers=[organiser]
    )
    pending = [RegistrationFactory(course=course, status="pending") for _ in range(3)]
    sign_in(page, live_server, organiser)

    page.goto(live_server.url + f"/enrollment/course/{course.pk}/registrations/?status=pending")
    page.locator("#tick-all").check()
    save_screenshot(page, "organiser-approve")
    page.locator("#approve-selected").click()
    page.wait_for_load_state()
    assert "已将3条报名审核通过" in page.locator("main").inner_text()
    assert set(
        Registration.objects.filter(pk__in=[r.pk for r in pending]).values_list("status", flat=True)
    ) == {"confirmed"}


def test_nominating_unit_fixes_a_bad_row_and_uploads_again(page, live_server):
    from tests.enrollment.test_imports import person, xlsx
    from tests.factories.enrollment import NominatingUnitFactory

    course = CourseFactory(status=Course.Status.PUBLISHED, title="人才评价工作培训班")
    SessionFactory(course=course)
    unit = NominatingUnitFactory(course=course)
    sign_in(page, live_server, unit.contact)
    page.goto(live_server.url + course.get_absolute_url())
    page.locator("#nominate-link").click()

    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    bad = xlsx([person(1), person(2, phone="1390000")])
    page.set_input_files(
        "#id_file", files=[{"name": "名单.xlsx", "mimeType": xlsx_type, "buffer": bad}]
    )
    page.locator("#upload-button").click()
    errors = page.locator("#import-errors")
    errors.wait_for()
    assert "手机号码" in errors.inner_text()
    assert "3" in page.locator(".import-error td").first.inner_text()
    assert not Registration.objects.exists()

    good = xlsx([person(1), person(2)])
    page.set_input_files(
        "#id_file", files=[{"name": "名单.xlsx", "mimeType": xlsx_type, "buffer": good}]
    )
    page.locator("#upload-button").click()
    page.locator("#nominated-table").wait_for()
    assert "已为2人报名" in page.locator("main").inner_text()
    assert Registration.objects.filter(nominating_unit=unit).count() == 2


def test_organiser_watches_a_large_import_finish_in_the_worker(
    page, live_server, celery_worker, settings
):
    from tests.enrollment.test_imports import person, xlsx

    settings.PORTAL_IMPORT_SYNC_ROWS = 3
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(status=Course.Status.PUBLISHED, organisers=[organiser])
    SessionFactory(course=course)
    sign_in(page, live_server, organiser)
    page.goto(live_server.url + f"/enrollment/course/{course.pk}/nominees/")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "名单.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": xlsx([person(n) for n in range(40)]),
            }
        ],
    )
    page.locator("#upload-button").click()
    page.wait_for_url("**/enrollment/imports/*/")
    page.locator("#import-done").wait_for(timeout=60000)
    assert "已为40人报名" in page.locator("#import-done").inner_text()
    assert Registration.objects.filter(course=course).count() == 40


def test_organiser_keeps_existing_profiles_with_one_click_on_a_phone(
    phone_page, live_server, celery_worker
):
    from tests.enrollment.test_imports import person, xlsx

    page = phone_page
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(status=Course.Status.PUBLISHED, organisers=[organiser])
    SessionFactory(course=course)
    existing = trainee_from("51", email="nominee2@example.cn", full_name="王五")
    sign_in(page, live_server, organiser)
    page.goto(live_server.url + f"/enrollment/course/{course.pk}/nominees/")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "名单.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": xlsx([person(1), person(2)]),
            }
        ],
    )
    page.locator("#upload-button").click()
    page.wait_for_url("**/enrollment/imports/*/")
    assert "王五" in page.locator("#profiles-kept").inner_text()
    save_screenshot(page, "import-waiting-for-choice")
    page.locator("#keep-profiles").click()
    page.locator("#import-done").wait_for(timeout=60000)
    assert "已为2人报名" in page.locator("#import-done").inner_text()
    assert Registration.objects.get(trainee=existing).full_name == "王五"
