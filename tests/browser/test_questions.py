"""A trainee asks a question from "My courses" on a phone and supports another; the live view
picks up a new question without reloading; an organiser answers and publishes the FAQ."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from notifications.models import OutgoingMail
from questions.models import Question, Vote
from tests.browser.screenshots import save_screenshot
from tests.browser.test_courses import sign_in
from tests.factories.accounts import UserFactory
from tests.factories.enrollment import RegistrationFactory
from tests.factories.questions import QuestionFactory
from tests.questions.conftest import make_course

pytestmark = pytest.mark.browser


def test_a_trainee_asks_and_votes(phone_page, live_server):
    page = phone_page
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = make_course(organiser, days_ahead=3)
    trainee = RegistrationFactory(course=course, trainee=UserFactory(full_name="王小明")).trainee
    other = RegistrationFactory(course=course, trainee=UserFactory(full_name="李四海")).trainee
    theirs = QuestionFactory(course=course, asker=other, text="补贴资金如何申领？", anonymous=True)
    sign_in(page, live_server, trainee)

    page.goto(live_server.url + "/enrollment/mine/")
    page.locator(".questions-link").first.click()
    page.locator("#id_text").fill("技能等级证书与职称如何衔接？")
    page.locator("#id_anonymous").check()
    page.get_by_role("button", name="提交问题").click()
    assert "您的问题已提交" in page.locator(".messages").inner_text()
    mine = page.locator(".my-question")
    assert "技能等级证书与职称如何衔接？" in mine.inner_text()
    assert "对其他学员匿名" in mine.inner_text()
    question = Question.objects.get(asker=trainee)
    assert question.anonymous and question.asked_phase == "before"

    item = page.locator(f"#question-{theirs.pk}")
    assert "李四海" not in item.inner_text()  # asked anonymously
    item.get_by_role("button", name="支持该问题").click()
    item = page.locator(f"#question-{theirs.pk}")
    item.get_by_role("button", name="已支持").wait_for()
    assert item.locator(".vote-count").inner_text() == "1"
    assert Vote.objects.filter(question=theirs, user=trainee).count() == 1


def test_the_live_view_updates_without_reload(page, live_server):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = make_course(organiser, days_ahead=0)
    asker = RegistrationFactory(course=course).trainee
    QuestionFactory(course=course, asker=asker, text="第一个问题")
    sign_in(page, live_server, organiser)
    page.goto(live_server.url + f"/questions/course/{course.pk}/live/")
    assert "第一个问题" in page.locator("#questions-live-list").inner_text()
    QuestionFactory(course=course, asker=asker, text="新到的问题")
    page.locator("#questions-live-list", has_text="新到的问题").wait_for(timeout=12000)


def test_an_organiser_answers_and_publishes_the_faq(page, live_server):
    organiser = UserFactory(roles=[Role.ORGANISER], full_name="组织者甲")
    course = make_course(organiser, days_ahead=-2)
    asker = RegistrationFactory(course=course, trainee=UserFactory(full_name="张三丰")).trainee
    question = QuestionFactory(
        course=course,
        asker=asker,
        text="课件会后能否下载？",
        visible_to_trainees=False,
        session=course.sessions.get(),
    )
    sign_in(page, live_server, organiser)

    page.goto(live_server.url + course.get_absolute_url())
    page.locator(".questions-link").click()
    item = page.locator(f"#question-{question.pk}")
    assert "张三丰" in item.inner_text()  # organisers always see the asker
    # The answer form is open at once while the question waits for an answer.
    expect(item.locator("textarea[name=answer]")).to_be_visible()
    item.locator("textarea[name=answer]").fill("课件将在平台上提供下载。")
    item.get_by_role("button", name="书面答复").click()
    assert "已更新" in page.locator(".messages").inner_text()
    item = page.locator(f"#question-{question.pk}")
    item.get_by_role("button", name="向学员公开").click()
    page.locator(f"#question-{question.pk} .badge", has_text="已公开").wait_for()
    save_screenshot(page, "organiser-questions")

    publish = page.locator("#faq-publish")
    publish.locator("#id_grouping").select_option("session")
    publish.get_by_role("button", name="发布常见问题").click()
    page.get_by_role("heading", name="常见问题解答").wait_for()
    assert "课件将在平台上提供下载。" in page.locator(".faq-group").inner_text()
    assert "政策解读" in page.locator(".faq-group h2").inner_text()
    mail = OutgoingMail.objects.get(key=f"question:{question.pk}:answered")
    assert mail.recipient == asker
