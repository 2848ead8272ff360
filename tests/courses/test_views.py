import datetime

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from courses.models import Course, Session
from tests.factories.accounts import UserFactory, region
from tests.factories.courses import (
    CourseFactory,
    DiscussionGroupFactory,
    SessionFactory,
    SpeakerFactory,
    at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return UserFactory(roles=[Role.ORGANISER])


def published_course_with_timetable(sessions: int, organiser=None) -> Course:
    course = CourseFactory(
        status=Course.Status.PUBLISHED,
        organisers=[organiser] if organiser else None,
    )
    group = DiscussionGroupFactory(course=course)
    for index in range(sessions):
        day = course.starts_on + datetime.timedelta(days=index % 3)
        start = at(day, "08:00") + datetime.timedelta(minutes=30 * (index // 3))
        SessionFactory(
            course=course,
            starts_at=start,
            ends_at=start + datetime.timedelta(minutes=25),
            discussion_group=group if index % 2 else None,
            speakers=[SpeakerFactory(), SpeakerFactory()],
        )
    return course


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/courses/", "/courses/?q=培训&open=on", "/courses/?page=2"])
def test_catalogue_query_count_does_not_grow_with_the_number_of_courses(
    client, url, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # Committed, as in use: the commit drops the anonymous page cache.
    with django_capture_on_commit_callbacks(execute=True):
        CourseFactory.create_batch(5 + 12, status=Course.Status.PUBLISHED)
    few = count_queries(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        CourseFactory.create_batch(45, status=Course.Status.PUBLISHED)
    many = count_queries(client, url)
    assert many == few
    with django_assert_max_num_queries(8):
        client.get(url)


def test_course_page_query_count_does_not_grow_with_the_timetable(
    client, django_assert_max_num_queries
):
    small = published_course_with_timetable(3)
    large = published_course_with_timetable(30)
    assert count_queries(client, small.get_absolute_url()) == count_queries(
        client, large.get_absolute_url()
    )
    with django_assert_max_num_queries(12):
        client.get(large.get_absolute_url())


def test_course_page_for_an_organiser_has_constant_queries(
    client, organiser, django_assert_max_num_queries
):
    small = published_course_with_timetable(3, organiser)
    large = published_course_with_timetable(30, organiser)
    client.force_login(organiser)
    assert count_queries(client, small.get_absolute_url()) == count_queries(
        client, large.get_absolute_url()
    )


def test_dashboard_and_timetable_editor_query_counts(client, organiser):
    client.force_login(organiser)
    course = published_course_with_timetable(3, organiser)
    dashboard = count_queries(client, reverse("courses:course-dashboard"))
    editor = count_queries(client, reverse("courses:session-list", args=[course.pk]))
    for _ in range(5):
        published_course_with_timetable(3, organiser)
    SessionFactory.create_batch(
        1, course=course, starts_at=at(course.starts_on, "20:00"), speakers=[SpeakerFactory()]
    )
    assert count_queries(client, reverse("courses:course-dashboard")) == dashboard
    assert count_queries(client, reverse("courses:session-list", args=[course.pk])) == editor


def test_course_page_shows_timetable_seats_quotas_and_registration_window(client):
    course = published_course_with_timetable(3)
    course.quotas.create(region=region("44"), seats=12)
    response = client.get(course.get_absolute_url())
    text = response.text
    assert course.title in text
    for session in course.sessions.all():
        assert session.title in text
    assert "广东" in text
    assert 'id="registration"' in text
    assert "100" in text


def test_course_description_markdown_is_sanitised(client):
    course = CourseFactory(
        status=Course.Status.PUBLISHED,
        description="## 要求\n\n**准时**报到 <script>alert(1)</script> [x](javascript:alert(1))",
    )
    text = client.get(course.get_absolute_url()).text
    assert "<h2>要求</h2>" in text
    assert "<strong>准时</strong>" in text
    assert "<script>alert(1)" not in text
    assert "javascript:" not in text


def test_drafts_are_404_for_visitors_and_visible_to_their_organisers(client, organiser):
    draft = CourseFactory(organisers=[organiser])
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(organiser)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_ics_has_one_event_per_session_that_parses_back(client):
    course = published_course_with_timetable(4)
    response = client.get(reverse("courses:course-calendar", args=[course.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    sessions = list(course.sessions.order_by("starts_at", "pk"))
    assert len(events) == len(sessions) == 4
    by_uid = {str(event["UID"]): event for event in events}
    assert len(by_uid) == 4
    first = sorted(events, key=lambda event: event.decoded("DTSTART"))[0]
    assert first.decoded("DTSTART") == sessions[0].starts_at
    assert first.decoded("DTEND") == sessions[0].ends_at
    assert sessions[0].title in str(first["SUMMARY"])
    assert course.venue in str(first["LOCATION"])


def test_printable_timetable(client):
    course = published_course_with_timetable(2)
    response = client.get(reverse("courses:course-print", args=[course.pk]))
    assert response.status_code == 200
    assert "js-print" in response.text
    assert course.sessions.first().title in response.text


def test_catalogue_search_and_pagination_keep_the_filters(client):
    CourseFactory.create_batch(13, status=Course.Status.PUBLISHED, title="高技能人才研修班")
    CourseFactory(status=Course.Status.PUBLISHED, title="产教融合试点班")
    response = client.get("/courses/", {"q": "高技能"})
    assert response.context["page_obj"].paginator.count == 13
    assert "q=%E9%AB%98" in response.text  # the next-page link keeps the search
    assert "产教融合试点班" not in response.text


def test_catalogue_ignores_bad_filter_values(client):
    CourseFactory(status=Course.Status.PUBLISHED)
    response = client.get("/courses/", {"month": "2026-13", "region": "abc"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 1


# -- organiser pages ---------------------------------------------------------------------------

MANAGE_PAGES = [
    "courses:course-manage",
    "courses:course-update",
    "courses:session-list",
    "courses:group-list",
    "courses:quota-update",
    "courses:material-list",
    "courses:organiser-list",
    "courses:course-clone",
    "courses:course-cancel",
    "courses:course-delete",
    "courses:course-history",
]


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_manage_pages_for_the_organiser_other_organiser_trainee_and_anonymous(
    client, organiser, name
):
    course = CourseFactory(organisers=[organiser])
    url = reverse(name, args=[course.pk])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    assert client.get(url).status_code == 404
    client.force_login(organiser)
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert client.get(url).status_code == 200


def test_dashboard_is_for_organisers(client, organiser):
    url = reverse("courses:course-dashboard")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    mine = CourseFactory(organisers=[organiser], title="我的培训班")
    CourseFactory(title="别人的培训班")
    client.force_login(organiser)
    response = client.get(url)
    assert mine.title in response.text
    assert "别人的培训班" not in response.text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_organisers_dashboard_is_not_named_like_the_trainees_list(client, organiser, language):
    """ "My courses" is the trainee's list; the organiser's own courses have their own name."""
    import re

    organiser.preferred_language = language
    organiser.save(update_fields=["preferred_language"])
    client.force_login(organiser)

    def heading(url: str) -> str:
        return re.search(r"<h1[^>]*>(.*?)</h1>", client.get(url).text, re.S).group(1).strip()

    dashboard = heading(reverse("courses:course-dashboard"))
    assert dashboard != heading(reverse("enrollment:registration-mine"))
    assert dashboard == {"zh-hans": "我主办的培训班", "en": "Courses I organise"}[language]


def test_other_organiser_cannot_post_to_a_course_they_do_not_organise(client, organiser):
    course = CourseFactory(organisers=[organiser])
    SessionFactory(course=course)
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    response = client.post(reverse("courses:course-publish", args=[course.pk]))
    assert response.status_code == 404
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_publish_is_post_only(client, organiser):
    course = CourseFactory(organisers=[organiser])
    SessionFactory(course=course)
    client.force_login(organiser)
    assert client.get(reverse("courses:course-publish", args=[course.pk])).status_code == 405
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_create_course_form_in_the_course_time_zone(client, organiser):
    client.force_login(organiser)
    start = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("courses:course-create"),
        {
            "title": "乌鲁木齐培训班",
            "category": "policy",
            "time_zone": "Asia/Urumqi",
            "starts_on": start.isoformat(),
            "ends_on": start.isoformat(),
            "registration_opens_at": f"{timezone.localdate().isoformat()}T09:00",
            "registration_closes_at": f"{start.isoformat()}T08:00",
            "capacity": "40",
            "language": "zh-hans",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    course = Course.objects.get(title="乌鲁木齐培训班")
    assert course.organisers.get() == organiser
    local = timezone.localtime(course.registration_closes_at, course.tz)
    assert (local.hour, local.minute) == (8, 0)


def test_create_course_form_shows_service_errors_on_the_field(client, organiser):
    client.force_login(organiser)
    start = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("courses:course-create"),
        {
            "title": "日期颠倒",
            "category": "policy",
            "time_zone": "Asia/Shanghai",
            "starts_on": start.isoformat(),
            "ends_on": (start - datetime.timedelta(days=1)).isoformat(),
            "language": "zh-hans",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].has_error("ends_on", code="dates_order")


def test_session_form_refuses_room_clash_with_a_message_on_the_room(client, organiser):
    course = CourseFactory(organisers=[organiser])
    SessionFactory(course=course, starts_at=at(course.starts_on, "09:00"), room="报告厅")
    client.force_login(organiser)
    response = client.post(
        reverse("courses:session-list", args=[course.pk]),
        {
            "kind": Session.Kind.LECTURE,
            "title": "冲突",
            "day": course.starts_on.isoformat(),
            "start_time": "09:30",
            "end_time": "10:30",
            "room": "报告厅",
            "order": "0",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].has_error("room", code="room_overlap")


def test_publish_shows_what_is_missing(client, organiser):
    course = CourseFactory(organisers=[organiser])
    client.force_login(organiser)
    response = client.post(reverse("courses:course-publish", args=[course.pk]), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_nav_links(client, organiser):
    assert reverse("courses:course-list") in client.get("/").text
    assert reverse("courses:course-dashboard") not in client.get("/").text
    client.force_login(organiser)
    assert reverse("courses:course-dashboard") in client.get("/").text


def test_catalogue_and_course_page_in_english(client):
    course = CourseFactory(status=Course.Status.PUBLISHED, title="全国高技能人才政策培训班")
    client.cookies["portal_language"] = "en"
    response = client.get("/courses/", {"q": "高技能"})
    assert "Course catalogue" in response.text
    assert course.title in response.text
    page = client.get(course.get_absolute_url()).text
    assert "Timetable" in page and "Registration" in page


def test_state_changes_need_a_csrf_token(organiser):
    from django.test import Client

    course = CourseFactory(organisers=[organiser])
    SessionFactory(course=course)
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    response = client.post(reverse("courses:course-publish", args=[course.pk]))
    assert response.status_code == 403
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


@pytest.mark.parametrize("model", ["course", "session", "speaker", "discussiongroup", "material"])
def test_admin_pages_for_administrators(client, model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    from courses import services

    organiser = UserFactory(roles=[Role.ORGANISER])
    course = published_course_with_timetable(2, organiser)
    services.material_upload(
        course=course, by=organiser, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x\n%%EOF\n")
    )
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    changelist = client.get(reverse(f"admin:courses_{model}_changelist"))
    assert changelist.status_code == 200
    objects = {
        "course": course,
        "session": course.sessions.first(),
        "speaker": course.sessions.first().speakers.first(),
        "discussiongroup": course.groups.first(),
        "material": course.materials.first(),
    }
    change = client.get(reverse(f"admin:courses_{model}_change", args=[objects[model].pk]))
    assert change.status_code == 200


def test_full_course_says_join_the_waiting_list(client):
    from tests.factories.enrollment import RegistrationFactory

    course = CourseFactory(status=Course.Status.PUBLISHED, capacity=2)
    RegistrationFactory.create_batch(2, course=course)
    client.cookies["portal_language"] = "en"
    page = client.get(course.get_absolute_url()).text
    catalogue = client.get("/courses/").text
    assert "Full — join the waiting list." in page
    assert "Full — waiting list" in catalogue
