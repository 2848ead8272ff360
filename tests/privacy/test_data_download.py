"""Download my data: the person asks, a worker puts everything about them into a ZIP of JSON
files and a spreadsheet; nobody else gets it, and it is deleted when it expires."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.roles import Role
from certificates import services as certificate_services
from enrollment.models import Registration
from feedback.models import Survey, SurveyAnswer, SurveyResponse
from privacy import services
from privacy.models import DataDownload
from questions.models import Question
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory
from tests.factories.enrollment import RegistrationFactory
from tests.factories.questions import QuestionFactory

pytestmark = pytest.mark.django_db


def _answer(*, course, user, anonymous: bool, text: str) -> None:
    survey = Survey.objects.create(course=course, anonymous=anonymous)
    question = survey.questions.create(kind="text", text="建议")
    response = SurveyResponse.objects.create(survey=survey, respondent=user)
    SurveyAnswer.objects.create(response=response, question=question, text=text)


@pytest.fixture
def person():
    """A trainee with a registration, a question, survey answers and a certificate; and
    another trainee on the same course whose data must not appear."""
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(organisers=[organiser], title="乡村振兴专题培训班")
    registration = RegistrationFactory(course=course, full_name="欧阳明月", phone="13800138000")
    user = registration.trainee
    QuestionFactory(course=course, asker=user, text='=HYPERLINK("http://x","y")')
    _answer(course=course, user=user, anonymous=False, text="多安排案例")
    _answer(course=CourseFactory(), user=user, anonymous=True, text="匿名的意见")
    certificate_services.certificate_issue(
        course=course, registration_id=registration.pk, by=organiser, reason="结业"
    )
    other = RegistrationFactory(course=course, full_name="另一位学员")
    QuestionFactory(course=course, asker=other.trainee, text="别人的问题")
    return user


def _build(client, user, django_capture_on_commit_callbacks) -> DataDownload:
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("privacy:data-download"))
    assert response.status_code == 302
    assert len(callbacks) == 1  # the build is queued once the request commits
    download = DataDownload.objects.get(user=user)
    assert services.data_download_build(download_id=str(download.pk)) == "done"
    return download


def test_a_person_downloads_everything_about_them_and_nothing_about_others(
    client, person, django_capture_on_commit_callbacks
):
    download = _build(client, person, django_capture_on_commit_callbacks)
    page = client.get(reverse("privacy:data-download"))
    assert reverse("privacy:data-download-file", args=[download.pk]) in page.content.decode()

    response = client.get(reverse("privacy:data-download-file", args=[download.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = {
        name.removesuffix(".json"): json.loads(archive.read(name))
        for name in archive.namelist()
        if name.endswith(".json")
    }
    assert data["profile"][0]["email"] == person.email
    assert [row["full_name"] for row in data["registrations"]] == ["欧阳明月"]
    assert data["registrations"][0]["course__title"] == "乡村振兴专题培训班"
    assert [row["text"] for row in data["questions"]] == ['=HYPERLINK("http://x","y")']
    assert [row["text"] for row in data["feedback"]] == ["多安排案例"]  # not the anonymous one
    assert [row["trainee_name"] for row in data["certificates"]] == ["欧阳明月"]
    assert "另一位学员" not in json.dumps(data, ensure_ascii=False)

    book = load_workbook(io.BytesIO(archive.read(services.SPREADSHEET)))
    with translation.override(download.language):
        questions = book[str(Question._meta.verbose_name_plural)]
    cell = questions.cell(row=2, column=2)
    assert cell.value == '=HYPERLINK("http://x","y")' and cell.data_type == "s"
    # The spreadsheet is for reading: a status is its label, the JSON keeps the code.
    assert data["registrations"][0]["status"] == "confirmed"
    with translation.override(download.language):  # the language of the request
        title = str(Registration._meta.verbose_name_plural)
        status = str(Registration._meta.get_field("status").verbose_name)
        confirmed = str(Registration.Status.CONFIRMED.label)
    registrations = book[title]
    headings = [cell.value for cell in registrations[1]]
    assert registrations.cell(row=2, column=headings.index(status) + 1).value == confirmed


def test_the_page_reads_in_chinese(client, person):
    client.force_login(person)
    response = client.get(reverse("privacy:data-download"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = response.content.decode()
    assert "下载我的数据" in text and "生成数据" in text


def test_nobody_else_sees_or_downloads_it(client, person, django_capture_on_commit_callbacks):
    download = _build(client, person, django_capture_on_commit_callbacks)
    for url in ("privacy:data-download-status", "privacy:data-download-file"):
        for visitor in (UserFactory(), UserFactory(roles=[Role.ADMINISTRATOR])):
            client.force_login(visitor)
            assert client.get(reverse(url, args=[download.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("privacy:data-download-file", args=[download.pk]))
    assert reverse("account_login") in response["Location"]


def test_asking_twice_while_it_is_built_gives_the_same_build(client, person):
    client.force_login(person)
    client.post(reverse("privacy:data-download"))
    client.post(reverse("privacy:data-download"))
    assert DataDownload.objects.filter(user=person).count() == 1


def test_expired_downloads_are_deleted_with_their_files(person):
    download = DataDownload.objects.create(
        user=person,
        language="en",
        status=DataDownload.Status.DONE,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    download.file.save("my-data.zip", ContentFile(b"PK"), save=True)
    name = download.file.name
    kept = DataDownload.objects.create(
        user=person,
        language="en",
        status=DataDownload.Status.DONE,
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert services.data_download_cleanup() == 1
    assert not default_storage.exists(name)
    assert list(DataDownload.objects.values_list("pk", flat=True)) == [kept.pk]
