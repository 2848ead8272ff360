"""A trainee fills the course survey on a phone from "My courses"; the organiser sees the
results without names."""

import pytest

from accounts.roles import Role
from feedback import services
from feedback.models import SurveyAnswer, SurveyResponse
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
