"""A trainee fills the course survey on a phone from "My courses"; the organiser sees the
results without names."""

import pytest

from accounts.roles import Role
from feedback import services
from feedback.models import SurveyAnswer, SurveyResponse
from tests.browser.screenshots import save_screenshot
from tests.browser.test_courses import sign_in
from tests.factories.accounts import UserFactory
from tests.factories.enrollment import RegistrationFactory
from tests.questions.conftest import make_course

pytestmark = pytest.mark.browser


def test_a_trainee_fills_the_survey(phone_page, page, live_server):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = make_course(organiser, days_ahead=0)  # the last session has begun: open
    survey = services.survey_save(
        user=organiser, course=course, intro="请如实填写。", open_days=7, anonymous=True
    )
    services.survey_template_apply(user=organiser, survey=survey)
    trainee = RegistrationFactory(course=course, trainee=UserFactory(full_name="王小明")).trainee

    sign_in(phone_page, live_server, trainee)
    phone_page.goto(live_server.url + "/enrollment/mine/")
    phone_page.locator(".feedback-link").first.click()
    form = phone_page.locator("#survey-form")
    form.locator("input[type=radio][value='5']").first.check()  # overall
    form.locator("input[type=radio][value='4']").nth(1).check()  # the session
    form.get_by_label("合适").check()
    form.get_by_label("案例分析").check()
    form.get_by_label("现场教学").check()
    form.locator("textarea").fill("希望多安排案例分析。")
    save_screenshot(phone_page, "trainee-survey")
    form.get_by_role("button", name="提交问卷").click()
    phone_page.locator("#survey-done").wait_for()
    response = SurveyResponse.objects.get()
    assert response.respondent == trainee
    assert SurveyAnswer.objects.filter(response=response).count() == 5

    sign_in(page, live_server, organiser)
    page.goto(live_server.url + f"/feedback/course/{course.pk}/results/")
    assert "希望多安排案例分析。" in page.locator(".survey-texts").inner_text()
    assert "王小明" not in page.content()
    assert "100%" in page.locator("#survey-rate").inner_text()
    save_screenshot(page, "organiser-survey-results")


def test_an_organiser_copies_edits_and_reorders_survey_questions(phone_page, live_server):
    page = phone_page
    organiser = UserFactory(roles=[Role.ORGANISER])
    last_edition = make_course(organiser, days_ahead=0)
    source = services.survey_save(
        user=organiser, course=last_edition, intro="", open_days=7, anonymous=True
    )
    services.survey_template_apply(user=organiser, survey=source)
    rating, sessions, length, topics, free_text = source.questions.order_by("order")
    services.survey_submit(
        user=RegistrationFactory(course=last_edition).trainee,
        survey=source,
        answers={
            rating.pk: 5,
            sessions.pk: {last_edition.sessions.get().pk: 4},
            length.pk: "合适",
            topics.pk: ["案例分析"],
        },
    )
    next_edition = make_course(organiser, days_ahead=30)
    sign_in(page, live_server, organiser)

    # A new course reuses last edition's survey from the set-up page.
    page.goto(live_server.url + f"/feedback/course/{next_edition.pk}/edit/")
    copy = page.locator("#survey-copy")
    copy.locator("select").select_option(str(last_edition.pk))
    copy.get_by_role("button", name="复制题目").click()
    assert "已从" in page.locator(".messages").inner_text()
    items = page.locator("#survey-questions .survey-question-text")
    assert items.count() == 5

    # Reorder with the buttons (plain forms, no script needed).
    first = items.nth(0).inner_text()
    page.locator(".survey-question").nth(0).get_by_role("button", name="下移").click()
    assert page.locator("#survey-questions .survey-question-text").nth(1).inner_text() == first
    page.locator(".survey-question").nth(1).get_by_role("button", name="上移").click()
    assert page.locator("#survey-questions .survey-question-text").nth(0).inner_text() == first

    # On the answered survey: a chosen choice cannot be removed; the wording can change.
    page.goto(live_server.url + f"/feedback/course/{last_edition.pk}/edit/")
    assert page.locator("#survey-frozen").is_visible()
    page.locator(f"#survey-question-{length.pk}").get_by_role("link", name="编辑").click()
    assert page.locator("#question-answered").is_visible()
    assert page.locator("#id_kind").is_disabled()
    page.locator("#id_text").fill("培训时长是否合适？")
    page.locator("#id_choices").fill("太短\n太长")
    page.get_by_role("button", name="保存").click()
    assert "合适" in page.locator(".messages").inner_text()
    assert page.locator("#id_text").input_value() == "培训时长是否合适？"  # nothing typed is lost
    page.locator("#id_choices").fill("太短\n合适\n太长\n说不清")
    page.get_by_role("button", name="保存").click()
    assert "题目已保存" in page.locator(".messages").inner_text()
    item = page.locator(f"#survey-question-{length.pk}")
    assert "培训时长是否合适？" in item.inner_text() and "说不清" in item.inner_text()
    # Answered questions have no delete button; the unanswered free-text question does.
    assert item.get_by_role("button", name="删除").count() == 0
    page.locator(f"#survey-question-{free_text.pk}").get_by_role("button", name="删除").click()
    assert "题目已删除" in page.locator(".messages").inner_text()
    assert page.locator("#survey-questions .survey-question").count() == 4
    length.refresh_from_db()
    assert (length.text, length.choice_list) == (
        "培训时长是否合适？",
        ["太短", "合适", "太长", "说不清"],
    )
    assert SurveyAnswer.objects.filter(question=length).count() == 1


def test_an_organiser_drags_a_question_into_place(page, live_server):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = make_course(organiser, days_ahead=10)
    survey = services.survey_save(
        user=organiser, course=course, intro="", open_days=7, anonymous=True
    )
    services.survey_template_apply(user=organiser, survey=survey)
    first, second, third, fourth, fifth = survey.questions.order_by("order")
    sign_in(page, live_server, organiser)
    page.goto(live_server.url + f"/feedback/course/{course.pk}/edit/")
    page.locator(f"#survey-question-{first.pk}").drag_to(
        page.locator(f"#survey-question-{third.pk}")
    )
    assert "题目顺序已调整" in page.locator(".messages").inner_text()
    order = [q.pk for q in survey.questions.order_by("order")]
    assert order == [second.pk, third.pk, first.pk, fourth.pk, fifth.pk]
    texts = page.locator("#survey-questions .survey-question-text").all_inner_texts()
    assert texts[2] == first.text
