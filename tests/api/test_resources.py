"""The API's resources answer what the portal's pages show, through the same selectors and
services: catalogue, course detail, me, registrations, documents, certificate checks."""

import threading

import pytest
from django.db import connection, transaction

from accounts.roles import Role
from api.models import Scope
from certificates import services as certificate_services
from courses.models import Course, Quota
from enrollment.models import Registration
from tests.api.conftest import ALL_SCOPES
from tests.enrollment.conftest import trainee_from
from tests.factories.accounts import UserFactory, region
from tests.factories.courses import (
    CourseFactory,
    DiscussionGroupFactory,
    SessionFactory,
    SpeakerFactory,
)
from tests.factories.enrollment import RegistrationFactory
from tests.factories.policies import PolicyDocumentFactory

pytestmark = pytest.mark.django_db

WITHOUT_PERSONAL = [s for s in ALL_SCOPES if s != Scope.READ_PERSONAL_DATA]


def published(**kwargs) -> Course:
    course = CourseFactory(status=Course.Status.PUBLISHED, **kwargs)
    return course


# -- courses ----------------------------------------------------------------------------------


def test_the_catalogue_lists_published_courses_and_searches_the_timetable(api_client):
    speaker = SpeakerFactory(name="王研究员")
    found = published(title="社会保险政策研修班")
    SessionFactory(course=found, speakers=[speaker])
    published(title="另一个培训班")
    CourseFactory(title="草稿培训班")  # a draft: never in the catalogue
    api = api_client(UserFactory(), [Scope.READ_COURSES])

    everything = api.get("/api/v1/courses/").json()
    assert {c["title"] for c in everything["results"]} == {"社会保险政策研修班", "另一个培训班"}
    by_speaker = api.get("/api/v1/courses/", {"q": "王研究员"}).json()
    assert [c["id"] for c in by_speaker["results"]] == [found.pk]


def test_the_catalogue_is_cursor_paginated(api_client):
    courses = [published() for _ in range(3)]
    api = api_client(UserFactory(), [Scope.READ_COURSES])
    seen = []
    url = "/api/v1/courses/?page_size=2"
    while url:
        page = api.get(url).json()
        seen += [c["id"] for c in page["results"]]
        url = page["next"]
    assert seen == sorted(c.pk for c in courses)


def test_a_course_shows_its_timetable_speakers_groups_and_quotas(api_client):
    course = published(capacity=30)
    speaker = SpeakerFactory(name="李教授", title="教授")
    group = DiscussionGroupFactory(course=course, name="第一组")
    SessionFactory(course=course, speakers=[speaker], discussion_group=group, title="开班式")
    Quota.objects.create(course=course, region=region("44"), seats=5)
    Quota.objects.create(course=course, organisation_type="technical_school", seats=7)
    api = api_client(UserFactory(), [Scope.READ_COURSES])

    data = api.get(f"/api/v1/courses/{course.pk}/").json()
    assert [s["title"] for s in data["timetable"]] == ["开班式"]
    assert data["timetable"][0]["speakers"][0] == {
        "id": speaker.pk,
        "name": "李教授",
        "title": "教授",
        "organisation": speaker.organisation,
    }
    assert data["timetable"][0]["discussion_group_id"] == group.pk
    assert [g["name"] for g in data["groups"]] == ["第一组"]
    quotas = [
        ((q["region"] or {}).get("code"), q["organisation_type"], q["seats"])
        for q in data["quotas"]
    ]
    assert sorted(quotas, key=str) == sorted(
        [("44", "", 5), (None, "technical_school", 7)], key=str
    )


def test_a_draft_is_shown_to_its_organisers_only(api_client):
    organiser = UserFactory(roles=[Role.ORGANISER])
    draft = CourseFactory(organisers=[organiser])
    assert api_client(organiser).get(f"/api/v1/courses/{draft.pk}/").status_code == 200
    stranger = api_client(UserFactory())
    response = stranger.get(f"/api/v1/courses/{draft.pk}/")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "fields"}


def test_the_course_detail_reads_a_constant_number_of_queries(
    api_client, django_assert_max_num_queries
):
    course = published()
    for _ in range(5):
        SessionFactory(course=course, speakers=[SpeakerFactory(), SpeakerFactory()])
    api = api_client(UserFactory(), [Scope.READ_COURSES])
    with django_assert_max_num_queries(12):
        assert api.get(f"/api/v1/courses/{course.pk}/").status_code == 200


# -- me and personal data ----------------------------------------------------------------------


def test_me_masks_personal_fields_without_the_personal_data_scope(api_client):
    user = UserFactory(email="zhang.san@example.cn", phone="13800138000")
    masked = api_client(user, [Scope.READ_COURSES]).get("/api/v1/me/").json()
    assert masked["email"] == "z***@example.cn"
    assert masked["phone"] == "138****8000"
    assert masked["scopes"] == [Scope.READ_COURSES]
    full = api_client(user, [Scope.READ_PERSONAL_DATA]).get("/api/v1/me/").json()
    assert (full["email"], full["phone"]) == ("zhang.san@example.cn", "13800138000")


def test_an_organiser_pulls_the_confirmed_trainees_masked_unless_personal_data(api_client):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = published(organisers=[organiser])
    confirmed = RegistrationFactory(course=course, status=Registration.Status.CONFIRMED)
    RegistrationFactory(course=course, status=Registration.Status.CANCELLED)
    url = f"/api/v1/registrations/?course={course.pk}&status=confirmed"

    rows = api_client(organiser, WITHOUT_PERSONAL).get(url).json()["results"]
    assert [r["id"] for r in rows] == [confirmed.pk]
    assert "*" in rows[0]["phone"] and "***@" in rows[0]["email"]
    rows = api_client(organiser).get(url).json()["results"]
    assert rows[0]["phone"] == confirmed.phone
    assert rows[0]["email"] == confirmed.trainee.email


def test_a_course_one_does_not_organise_gives_404_for_its_registrations(api_client):
    course = published()
    RegistrationFactory(course=course)
    other = UserFactory(roles=[Role.ORGANISER])
    response = api_client(other).get(f"/api/v1/registrations/?course={course.pk}")
    assert response.status_code == 404


# -- registrations ------------------------------------------------------------------------------


def test_registering_through_the_api_follows_the_seat_rules(api_client):
    course = published(capacity=1)
    SessionFactory(course=course)
    first = api_client(trainee_from("11")).post(
        "/api/v1/registrations/", {"course": course.pk}, content_type="application/json"
    )
    second = api_client(trainee_from("44")).post(
        "/api/v1/registrations/", {"course": course.pk}, content_type="application/json"
    )
    assert (first.status_code, first.json()["status"]) == (201, "confirmed")
    assert (second.status_code, second.json()["status"]) == (201, "waitlisted")


def test_a_refusal_has_the_services_code_and_a_message_in_the_callers_language(api_client):
    course = published()
    SessionFactory(course=course)
    trainee = trainee_from("11")
    api = api_client(trainee, HTTP_ACCEPT_LANGUAGE="en")
    RegistrationFactory(course=course, trainee=trainee, status=Registration.Status.CONFIRMED)
    english = api.post(
        "/api/v1/registrations/", {"course": course.pk}, content_type="application/json"
    )
    assert english.status_code == 400
    assert english.json()["code"] == "already_registered"
    assert english.json()["message"] == "You are already registered for this course."
    chinese = api_client(trainee, HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        "/api/v1/registrations/", {"course": course.pk}, content_type="application/json"
    )
    assert chinese.json()["code"] == "already_registered"
    assert chinese.json()["message"] != english.json()["message"]


def test_bad_input_names_the_field(api_client):
    response = api_client(UserFactory()).post(
        "/api/v1/registrations/", {"course": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["course"]


def test_registering_for_an_invisible_course_is_404(api_client):
    draft = CourseFactory()
    response = api_client(UserFactory()).post(
        "/api/v1/registrations/", {"course": draft.pk}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_cancelling_anothers_registration_is_404_and_ones_own_works(api_client):
    registration = RegistrationFactory(course=published(), status="confirmed")
    url = f"/api/v1/registrations/{registration.pk}/cancel/"
    stranger = api_client(UserFactory())
    assert stranger.post(url, {}, content_type="application/json").status_code == 404
    own = api_client(registration.trainee).post(
        url, {"reason": "单位有会"}, content_type="application/json"
    )
    assert (own.status_code, own.json()["status"]) == (200, "cancelled")


def test_session_callers_need_the_csrf_token_to_write(client):
    course = published()
    SessionFactory(course=course)
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(trainee_from("11"))
    response = strict.post(
        "/api/v1/registrations/", {"course": course.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Registration.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_locked_course_answers_503_busy_with_retry_after(api_client, settings):
    settings.PORTAL_COURSE_LOCK_TIMEOUT = 1
    course = published()
    SessionFactory(course=course)
    api = api_client(trainee_from("44"))
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        try:
            with transaction.atomic():
                Course.objects.select_for_update().get(pk=course.pk)
                locked.set()
                release.wait(timeout=15)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        response = api.post(
            "/api/v1/registrations/", {"course": course.pk}, content_type="application/json"
        )
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503
    assert response.json()["code"] == "busy"
    assert response["Retry-After"]
    assert not Registration.objects.exists()


# -- documents and certificates -----------------------------------------------------------------


def test_documents_are_found_by_any_spelling_of_their_number(api_client):
    document = PolicyDocumentFactory(number="发改振兴〔2015〕2103号")
    PolicyDocumentFactory()
    hidden = PolicyDocumentFactory(is_published=False)
    api = api_client(UserFactory(), [Scope.READ_COURSES])
    rows = api.get("/api/v1/documents/", {"q": "发改振兴[2015]2103"}).json()["results"]
    assert [r["id"] for r in rows] == [document.pk]
    assert api.get(f"/api/v1/documents/{document.pk}/").json()["files"] == []
    assert api.get(f"/api/v1/documents/{hidden.pk}/").status_code == 404


def test_certificate_verification_names_nobody(client):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = published(organisers=[organiser])
    registration = RegistrationFactory(course=course, status="confirmed", full_name="张三")
    certificate = certificate_services.certificate_issue(
        course=course, registration_id=registration.pk, by=organiser, reason="结业"
    )
    url = f"/api/v1/certificates/verify/{certificate.code}/"
    assert client.get(url).json() == {"result": "valid", "name_matches": None}
    assert client.get(url, {"name": "张三"}).json()["name_matches"] is True
    assert client.get(url, {"name": "李四"}).json()["name_matches"] is False
    unknown = client.get("/api/v1/certificates/verify/ABCDEF/")
    assert unknown.status_code == 404 and unknown.json()["result"] == "not_found"
    assert "张三" not in client.get(url).content.decode()


# -- query counts -------------------------------------------------------------------------------


def test_the_catalogue_page_reads_a_constant_number_of_queries(
    api_client, django_assert_max_num_queries
):
    for _ in range(8):
        published()
    api = api_client(UserFactory(), [Scope.READ_COURSES])
    with django_assert_max_num_queries(8):
        assert len(api.get("/api/v1/courses/").json()["results"]) == 8


def test_a_courses_registration_list_reads_a_constant_number_of_queries(
    api_client, django_assert_max_num_queries
):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = published(organisers=[organiser])
    for _ in range(8):
        RegistrationFactory(course=course, status="confirmed")
    api = api_client(organiser)
    with django_assert_max_num_queries(10):
        rows = api.get(f"/api/v1/registrations/?course={course.pk}").json()["results"]
    assert len(rows) == 8


def test_the_document_list_reads_a_constant_number_of_queries(
    api_client, django_assert_max_num_queries
):
    for _ in range(8):
        PolicyDocumentFactory()
    api = api_client(UserFactory(), [Scope.READ_COURSES])
    with django_assert_max_num_queries(8):
        assert len(api.get("/api/v1/documents/").json()["results"]) == 8


def test_an_organiser_approves_and_rejects_through_the_api(api_client):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = published(organisers=[organiser], capacity=1)
    pending = RegistrationFactory(course=course, status=Registration.Status.PENDING)
    waiting = RegistrationFactory(course=course, status=Registration.Status.WAITLISTED)
    api = api_client(organiser)
    approved = api.post(
        f"/api/v1/registrations/{pending.pk}/approve/", {}, content_type="application/json"
    )
    assert (approved.status_code, approved.json()["status"]) == (200, "confirmed")
    refused = api.post(
        f"/api/v1/registrations/{waiting.pk}/reject/", {}, content_type="application/json"
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "reason_required")
    rejected = api.post(
        f"/api/v1/registrations/{waiting.pk}/reject/",
        {"reason": "名额已满"},
        content_type="application/json",
    )
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")


def test_an_organiser_reads_each_confirmed_trainees_attendance(api_client):
    from tests.factories.attendance import AttendanceFactory

    organiser = UserFactory(roles=[Role.ORGANISER])
    course = published(organisers=[organiser])
    morning = SessionFactory(course=course)  # 90 minutes
    SessionFactory(course=course, starts_at=morning.starts_at.replace(hour=14))
    present = RegistrationFactory(course=course, status="confirmed", full_name="出勤学员")
    RegistrationFactory(course=course, status="confirmed", full_name="缺勤学员")
    AttendanceFactory(registration=present, session=morning)

    data = api_client(organiser).get(f"/api/v1/courses/{course.pk}/attendance/").json()
    rows = {row["full_name"]: row for row in data["results"]}
    assert rows["出勤学员"]["attended"] == 1 and rows["出勤学员"]["sessions"] == 2
    assert rows["出勤学员"]["attendance_percent"] == 50
    assert rows["出勤学员"]["course_hours"] == "4.0"  # two sessions of 90 minutes: 2 learning hours
    assert rows["出勤学员"]["attended_hours"] == "2.0"
    assert rows["缺勤学员"]["attended_hours"] == "0.0"
    assert rows["缺勤学员"]["attended"] == 0 and rows["缺勤学员"]["attendance_percent"] == 0
