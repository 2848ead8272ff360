import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from courses.demo import TITLE_A
from enrollment.models import Registration
from exports.writer import SafeWorkbook
from feedback import demo, selectors, services
from feedback.exporters import SurveyResultsExporter
from feedback.models import Survey, SurveyResponse
from tests.factories.accounts import UserFactory
from tests.factories.courses import SessionFactory, SpeakerFactory
from tests.factories.enrollment import RegistrationFactory
from tests.questions.conftest import make_course

pytestmark = pytest.mark.django_db

SECRET_NAME = "匿名学员甲"


@pytest.fixture
def open_course(organiser):
    """A course whose last session started an hour ago: the survey is open."""
    return make_course(organiser, days_ahead=0)


def _survey(organiser, course, *, anonymous=True, days=7) -> Survey:
    survey = services.survey_save(
        user=organiser, course=course, intro="", open_days=days, anonymous=anonymous
    )
    services.survey_template_apply(user=organiser, survey=survey)
    return survey


def _answers(survey, rating=4, session_rating=5, single=None, multiple=None, text="很好"):
    questions = selectors.survey_questions(survey)
    session = survey.course.sessions.order_by("pk").first()
    rating_q, session_q, single_q, multiple_q, text_q = questions
    return {
        rating_q.pk: rating,
        session_q.pk: {session.pk: session_rating},
        single_q.pk: single or single_q.choice_list[1],
        multiple_q.pk: multiple or multiple_q.choice_list[:2],
        text_q.pk: text,
    }


def test_survey_window_opens_at_the_last_session_and_closes_after_n_days(organiser):
    course = make_course(organiser, days_ahead=2)
    survey = _survey(organiser, course, days=3)
    starts = course.sessions.get().starts_at
    assert selectors.survey_state(survey, starts - datetime.timedelta(seconds=1)) == "not_open"
    assert selectors.survey_state(survey, starts) == "open"
    assert selectors.survey_state(survey, starts + datetime.timedelta(days=3)) == "closed"
    trainee = RegistrationFactory(course=course).trainee
    with pytest.raises(ValidationError) as excinfo:
        services.survey_submit(user=trainee, survey=survey, answers=_answers(survey))
    assert excinfo.value.code == "not_open"


def test_a_closed_survey_refuses(organiser):
    course = make_course(organiser, days_ahead=-10)
    survey = _survey(organiser, course, days=7)
    trainee = RegistrationFactory(course=course).trainee
    with pytest.raises(ValidationError) as excinfo:
        services.survey_submit(user=trainee, survey=survey, answers=_answers(survey))
    assert excinfo.value.code == "closed"


def test_one_response_per_confirmed_trainee(organiser, open_course):
    survey = _survey(organiser, open_course)
    trainee = RegistrationFactory(course=open_course).trainee
    services.survey_submit(user=trainee, survey=survey, answers=_answers(survey))
    with pytest.raises(ValidationError) as excinfo:
        services.survey_submit(user=trainee, survey=survey, answers=_answers(survey))
    assert excinfo.value.code == "already_submitted"
    pending = RegistrationFactory(course=open_course, status=Registration.Status.PENDING).trainee
    with pytest.raises(ValidationError) as excinfo:
        services.survey_submit(user=pending, survey=survey, answers=_answers(survey))
    assert excinfo.value.code == "not_registered"
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"rating": 6}, "invalid_rating"),
        ({"rating": None}, "required"),
        ({"single": "不存在的选项"}, "invalid_choice"),
    ],
)
def test_answers_are_checked(organiser, open_course, changes, code):
    survey = _survey(organiser, open_course)
    trainee = RegistrationFactory(course=open_course).trainee
    with pytest.raises(ValidationError) as excinfo:
        services.survey_submit(user=trainee, survey=survey, answers=_answers(survey, **changes))
    assert excinfo.value.code == code
    assert not SurveyResponse.objects.exists()


def test_choice_questions_need_choices_and_questions_freeze_after_responses(organiser, open_course):
    survey = _survey(organiser, open_course)
    with pytest.raises(ValidationError) as excinfo:
        services.survey_question_add(
            user=organiser, survey=survey, kind="single", text="?", choices="一"
        )
    assert excinfo.value.code == "too_few_choices"
    trainee = RegistrationFactory(course=open_course).trainee
    services.survey_submit(user=trainee, survey=survey, answers=_answers(survey))
    with pytest.raises(ValidationError) as excinfo:
        services.survey_question_add(user=organiser, survey=survey, kind="text", text="补充")
    assert excinfo.value.code == "has_responses"
    with pytest.raises(ValidationError) as excinfo:
        services.survey_save(
            user=organiser, course=open_course, intro="", open_days=7, anonymous=False
        )
    assert excinfo.value.code == "anonymity_locked"


def test_only_organisers_define_surveys(open_course):
    with pytest.raises(ValidationError) as excinfo:
        services.survey_save(
            user=UserFactory(roles=["organiser"]),
            course=open_course,
            intro="",
            open_days=7,
            anonymous=True,
        )
    assert excinfo.value.code == "not_organiser"


def test_anonymous_aggregates(client, organiser, open_course, django_assert_max_num_queries):
    survey = _survey(organiser, open_course, anonymous=True)
    ratings = [5, 4, 4]
    for n, rating in enumerate(ratings):
        trainee = RegistrationFactory(
            course=open_course, trainee__full_name=f"{SECRET_NAME}{n}"
        ).trainee
        services.survey_submit(
            user=trainee,
            survey=survey,
            answers=_answers(survey, rating=rating, text=f"建议{2 - n}"),
        )
    RegistrationFactory(course=open_course)  # has not responded
    results = selectors.survey_results(survey)
    assert (results.responses, results.expected) == (3, 4)
    rating = results.questions[0]
    assert rating.average == pytest.approx(13 / 3)
    assert [bar.count for bar in rating.bars] == [0, 0, 0, 2, 1]
    assert results.questions[1].sessions[0]["average"] == 5
    assert [bar.count for bar in results.questions[3].bars][:2] == [3, 3]
    # Not in the order they were given (that could tell who wrote which).
    assert [text for _name, text in results.questions[4].texts] == ["建议0", "建议1", "建议2"]
    assert all(name == "" for name, _text in results.questions[4].texts)

    client.force_login(organiser)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("feedback:survey-results", args=[open_course.pk]))
    content = response.content.decode()
    assert "建议1" in content
    assert SECRET_NAME not in content
    assert "75%" in content


def test_named_surveys_show_names(organiser, open_course):
    survey = _survey(organiser, open_course, anonymous=False)
    trainee = RegistrationFactory(course=open_course, trainee__full_name="署名学员").trainee
    services.survey_submit(user=trainee, survey=survey, answers=_answers(survey))
    assert selectors.survey_results(survey).questions[4].texts == [("署名学员", "很好")]


@pytest.mark.parametrize("anonymous", [True, False])
def test_the_export_respects_anonymity(tmp_path, organiser, open_course, anonymous):
    survey = _survey(organiser, open_course, anonymous=anonymous)
    trainee = RegistrationFactory(course=open_course, trainee__full_name=SECRET_NAME).trainee
    services.survey_submit(user=trainee, survey=survey, answers=_answers(survey))
    exporter = SurveyResultsExporter(SurveyResultsExporter.clean_params({"course": open_course.pk}))
    assert exporter.can_request(organiser) and not exporter.can_request(trainee)
    with translation.override("zh-hans"):
        book = SafeWorkbook(time_zone=exporter.time_zone())
        exporter.write(book, lambda n: None)
        book.save(tmp_path / "f.xlsx")
    workbook = load_workbook(tmp_path / "f.xlsx")
    assert workbook.sheetnames[0] == "汇总"  # the results sheet sums up; not a document's 摘要
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "很好" in cells
    assert (SECRET_NAME in cells) is (not anonymous)
    # Nor when they responded: the time could tell who it was.
    header = next(workbook.worksheets[1].iter_rows(values_only=True))
    assert ("提交时间" in header) is (not anonymous)
    responded_at = [c for c in cells if isinstance(c, datetime.datetime)]
    assert bool(responded_at) is (not anonymous)


def test_pages_and_permissions(client, organiser, open_course):
    survey = _survey(organiser, open_course)
    trainee = RegistrationFactory(course=open_course).trainee
    url = reverse("feedback:response-create", args=[open_course.pk])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(reverse("feedback:survey-results", args=[open_course.pk])).status_code == 404
    client.force_login(trainee)
    assert client.get(url).status_code == 200
    assert client.get(reverse("feedback:survey-update", args=[open_course.pk])).status_code == 404
    questions = selectors.survey_questions(survey)
    session = open_course.sessions.get()
    data = {
        f"q{questions[0].pk}": "5",
        f"q{questions[1].pk}_s{session.pk}": "4",
        f"q{questions[2].pk}": questions[2].choice_list[0],
        f"q{questions[3].pk}": questions[3].choice_list[1:3],
        f"q{questions[4].pk}": "讲得好",
    }
    assert client.post(url, data).status_code == 302
    response = SurveyResponse.objects.get()
    assert response.answers.count() == 5
    assert "survey-done" in client.get(url).content.decode()
    client.force_login(organiser)
    assert client.get(reverse("feedback:survey-update", args=[open_course.pk])).status_code == 200


def test_organiser_pages_define_a_survey(client, organiser, open_course):
    client.force_login(organiser)
    url = reverse("feedback:survey-update", args=[open_course.pk])
    client.post(url, {"intro": "请填写", "open_days": 5, "anonymous": "on"})
    survey = Survey.objects.get()
    assert (survey.open_days, survey.anonymous) == (5, True)
    client.post(reverse("feedback:survey-template-apply", args=[open_course.pk]))
    client.post(
        reverse("feedback:question-create", args=[open_course.pk]),
        {
            "kind": "single",
            "text": "住宿满意吗？",
            "choices": "满意\n一般\n不满意",
            "required": "on",
        },
    )
    assert survey.questions.count() == 6
    assert timezone.now() > selectors.survey_window(survey)[0]


def test_the_demo_adds_course_a_survey_once():
    call_command("seed_demo", verbosity=0)
    survey = Survey.objects.get(course__title=TITLE_A)
    assert survey.questions.count() == 5
    assert demo.seed() == {"surveys": 0, "responses": 0}
    assert not survey.responses.exists()  # course A lies ahead: the survey is not open


def test_page_query_counts(client, organiser, open_course, django_assert_max_num_queries):
    survey = _survey(organiser, open_course)
    trainee = RegistrationFactory(course=open_course).trainee
    client.force_login(trainee)
    with django_assert_max_num_queries(15):
        assert (
            client.get(reverse("feedback:response-create", args=[open_course.pk])).status_code
            == 200
        )
    services.survey_submit(user=trainee, survey=survey, answers=_answers(survey))
    client.force_login(organiser)
    with django_assert_max_num_queries(15):
        assert (
            client.get(reverse("feedback:survey-update", args=[open_course.pk])).status_code == 200
        )


@pytest.mark.parametrize(("days_ahead", "state"), [(2, "not_open"), (-10, "closed")])
def test_the_survey_page_outside_its_window(client, organiser, days_ahead, state):
    course = make_course(organiser, days_ahead=days_ahead)
    survey = _survey(organiser, course, days=7)
    trainee = RegistrationFactory(course=course).trainee
    client.force_login(trainee)
    url = reverse("feedback:response-create", args=[course.pk])
    page = client.get(url)
    assert page.context["state"] == state
    assert 'id="survey-form"' not in page.content.decode()
    questions = selectors.survey_questions(survey)
    data = {f"q{questions[0].pk}": "5", f"q{questions[2].pk}": questions[2].choice_list[0]}
    data[f"q{questions[3].pk}"] = questions[3].choice_list[:1]
    response = client.post(url, data)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not SurveyResponse.objects.exists()
    # Trainees never see the results or the editor, whatever the window.
    assert client.get(reverse("feedback:survey-results", args=[course.pk])).status_code == 404
    assert client.get(reverse("feedback:survey-update", args=[course.pk])).status_code == 404


def test_session_ratings_are_also_averaged_per_speaker(client, organiser, open_course):
    chen, li = SpeakerFactory(name="陈专家"), SpeakerFactory(name="李专家")
    first = open_course.sessions.get()
    first.speakers.set([chen])
    second = SessionFactory(
        course=open_course,
        title="案例分享",
        starts_at=first.starts_at - datetime.timedelta(hours=3),
        ends_at=first.starts_at - datetime.timedelta(hours=2),
        speakers=[chen, li],
    )
    survey = _survey(organiser, open_course)
    session_q = selectors.survey_questions(survey)[1]
    for first_rating, second_rating in ((5, 3), (4, None)):
        answers = _answers(survey)
        answers[session_q.pk] = {first.pk: first_rating, second.pk: second_rating}
        services.survey_submit(
            user=RegistrationFactory(course=open_course).trainee, survey=survey, answers=answers
        )
    result = selectors.survey_results(survey).questions[1]
    rows = {row["speaker"].name: row for row in result.speakers}
    assert (rows["陈专家"]["sessions"], rows["陈专家"]["answered"]) == (2, 3)
    assert rows["陈专家"]["average"] == pytest.approx(4)  # (5 + 4 + 3) / 3
    assert (rows["李专家"]["answered"], rows["李专家"]["average"]) == (1, 3)
    assert [row["speaker"].name for row in result.speakers] == ["陈专家", "李专家"]
    client.force_login(organiser)
    page = client.get(reverse("feedback:survey-results", args=[open_course.pk])).content.decode()
    assert 'class="table table-sm mb-0 survey-speakers"' in page and "李专家" in page


def test_a_response_is_refused_if_anonymity_changed_while_the_form_was_open(
    client, organiser, open_course
):
    survey = _survey(organiser, open_course, anonymous=True)
    trainee = RegistrationFactory(course=open_course).trainee
    client.force_login(trainee)
    url = reverse("feedback:response-create", args=[open_course.pk])
    assert 'name="anonymous_seen" value="1"' in client.get(url).content.decode()
    # The organisers make the survey named while the trainee fills in the anonymous form.
    services.survey_save(user=organiser, course=open_course, intro="", open_days=7, anonymous=False)
    questions = selectors.survey_questions(survey)
    session = open_course.sessions.get()
    data = {
        "anonymous_seen": "1",
        f"q{questions[0].pk}": "5",
        f"q{questions[1].pk}_s{session.pk}": "4",
        f"q{questions[2].pk}": questions[2].choice_list[0],
        f"q{questions[3].pk}": questions[3].choice_list[:1],
        f"q{questions[4].pk}": "我的真实想法",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not SurveyResponse.objects.exists()
    content = response.content.decode()
    assert "我的真实想法" in content  # nothing typed is lost
    assert 'name="anonymous_seen" value="0"' in content
    # Having read the new notice, the trainee submits again.
    assert client.post(url, {**data, "anonymous_seen": "0"}).status_code == 302
    assert SurveyResponse.objects.filter(respondent=trainee).count() == 1
