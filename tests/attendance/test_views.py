import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from attendance import services
from attendance.hours import hours_for_registrations
from attendance.models import Attendance, AttendanceChange, AttendanceSettings
from exports.models import ExportJob
from exports.services import export_request, export_run
from tests.factories.accounts import UserFactory
from tests.factories.attendance import AttendanceFactory
from tests.factories.courses import DiscussionGroupFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "trainee",
    "other_trainee",
    "other_organiser",
    "checkin_staff",
    "organiser",
    "administrator",
]


def _user(who, organiser, trainee):
    return {
        "anonymous": None,
        "trainee": trainee,
        "other_trainee": UserFactory(),
        "other_organiser": UserFactory(roles=[Role.ORGANISER]),
        "checkin_staff": UserFactory(roles=[Role.CHECKIN_STAFF]),
        "organiser": organiser,
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
    }[who]


TAKERS = {"checkin_staff", "organiser", "administrator"}
EXPORTERS = {"organiser", "administrator"}


@pytest.mark.parametrize("who", ROLES)
def test_attendance_pages_permission_matrix(client, session, organiser, trainee, registration, who):
    user = _user(who, organiser, trainee)
    if user:
        client.force_login(user)
    course = session.course
    pages = [
        reverse("attendance:session-list", args=[course.pk]),
        reverse("attendance:session-roster", args=[session.pk]),
        reverse("attendance:session-qr", args=[session.pk]),
        reverse("attendance:session-qr-code", args=[session.pk]),
        reverse("attendance:session-marks", args=[session.pk]),
    ]
    for url in pages:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
        else:
            assert response.status_code == (200 if who in TAKERS else 404), url
    response = client.post(
        reverse("attendance:attendance-mark", args=[session.pk]),
        {"mark": f"{registration.pk}:present"},
    )
    assert Attendance.objects.exists() == (who in TAKERS)
    response = client.post(
        reverse("exports:job-create", args=["attendance.sheet"]), {"course": course.pk}
    )
    assert ExportJob.objects.exists() == (who in EXPORTERS)
    if who not in EXPORTERS and who != "anonymous":
        assert response.status_code == 404  # the course is looked up among their own


@pytest.mark.parametrize("who", ROLES)
def test_my_attendance_is_for_the_trainee_only(client, session, organiser, trainee, who):
    user = _user(who, organiser, trainee)
    if user:
        client.force_login(user)
    response = client.get(reverse("attendance:attendance-mine", args=[session.course.pk]))
    expected = {"anonymous": 302, "trainee": 200}.get(who, 404)
    assert response.status_code == expected


def test_roster_marks_with_json_and_undo(client, session, organiser, registration):
    client.force_login(organiser)
    url = reverse("attendance:attendance-mark", args=[session.pk])
    response = client.post(
        url, {"mark": f"{registration.pk}:late"}, headers={"Accept": "application/json"}
    )
    data = response.json()
    assert (data["ok"], data["registration"], data["status"], data["label"]) == (
        True,
        registration.pk,
        "late",
        "迟到",
    )
    assert Attendance.objects.get().status == "late"
    response = client.post(url, {"undo": registration.pk}, headers={"Accept": "application/json"})
    assert (response.status_code, response.json()["code"]) == (400, "reason_required")
    assert Attendance.objects.get().status == "late"
    response = client.post(
        url,
        {"undo": registration.pk, "reason": "点错了"},
        headers={"Accept": "application/json"},
    )
    assert response.json()["status"] == ""
    assert "点错了" in response.json()["history"]
    assert not Attendance.objects.exists()


def test_roster_shows_a_corrected_mark_with_its_history(client, session, organiser, registration):
    AttendanceFactory(registration=registration, session=session, status="absent")
    client.force_login(organiser)
    url = reverse("attendance:attendance-mark", args=[session.pk])
    refused = client.post(url, {"mark": f"{registration.pk}:present"}, follow=True)
    assert "请说明更正已有考勤的原因" in refused.content.decode()
    assert Attendance.objects.get().status == "absent"
    response = client.post(
        url,
        {"mark": f"{registration.pk}:present", "reason": "迟到签到未录入"},
        headers={"Accept": "application/json"},
    )
    data = response.json()
    assert data["status"] == "present" and "已更正" in data["history"]
    page = client.get(reverse("attendance:session-roster", args=[session.pk])).content.decode()
    assert page.count("已更正") == 1
    assert "缺席 → 出席" in page and "迟到签到未录入" in page
    marks = client.get(reverse("attendance:session-marks", args=[session.pk])).json()
    assert "迟到签到未录入" in marks["history"][str(registration.pk)]


@pytest.mark.parametrize("who", ["anonymous", "trainee", "other_organiser", "organiser"])
def test_corrections_page_by_session_and_trainee(client, session, organiser, trainee, who):
    registration = trainee.registrations.get(course=session.course)
    other = RegistrationFactory(course=session.course)
    for reg, reason in ((registration, "代签"), (other, "补录")):
        AttendanceFactory(registration=reg, session=session, status="present")
        services.attendance_mark(
            session_id=session.pk,
            registration_ids=[reg.pk],
            status="absent",
            reason=reason,
            by=organiser,
        )
    user = _user(who, organiser, trainee)
    if user:
        client.force_login(user)
    url = reverse("attendance:change-list", args=[session.course.pk])
    response = client.get(url, {"registration": registration.pk})
    expected = {"anonymous": 302, "organiser": 200}.get(who, 404)
    assert response.status_code == expected
    if who == "organiser":
        page = response.content.decode()
        assert "代签" in page and "补录" not in page
        everything = client.get(url, {"session": session.pk}).content.decode()
        assert "代签" in everything and "补录" in everything


def test_roster_excused_with_a_remark(client, session, organiser, registration):
    client.force_login(organiser)
    response = client.post(
        reverse("attendance:attendance-mark", args=[session.pk]),
        {"mark": f"{registration.pk}:excused", "remark": "病假"},
        headers={"Accept": "application/json"},
    )
    assert response.json()["meta"].endswith("· 病假")
    mark = Attendance.objects.get()
    assert (mark.status, mark.remark) == ("excused", "病假")
    page = client.get(reverse("attendance:session-roster", args=[session.pk]))
    assert "病假" in page.content.decode()


def test_roster_refuses_a_trainee_of_another_course_with_a_message(client, session, organiser):
    client.force_login(organiser)
    stranger = RegistrationFactory()
    response = client.post(
        reverse("attendance:attendance-mark", args=[session.pk]),
        {"mark": f"{stranger.pk}:present"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400 and response.json()["ok"] is False
    assert not Attendance.objects.exists()


def test_mark_all_from_the_roster(client, session, organiser):
    RegistrationFactory.create_batch(3, course=session.course)
    client.force_login(organiser)
    response = client.post(reverse("attendance:attendance-mark-all", args=[session.pk]))
    assert response.status_code == 302
    assert Attendance.objects.filter(status="present").count() == 3


def test_marking_needs_post(client, session, organiser, registration):
    client.force_login(organiser)
    response = client.get(
        reverse("attendance:attendance-mark", args=[session.pk]),
        {"mark": f"{registration.pk}:present"},
    )
    assert response.status_code == 405
    assert not Attendance.objects.exists()


def _roster_queries(client, session, trainees: int) -> int:
    for n, registration in enumerate(
        RegistrationFactory.create_batch(trainees, course=session.course)
    ):
        if n % 2:
            AttendanceFactory(registration=registration, session=session, status="present")
        if n % 4 == 1:
            AttendanceChange.objects.create(
                session=session,
                registration=registration,
                old_status="absent",
                old_method="automatic",
                old_marked_at=timezone.now(),
                new_status="present",
                method="list",
                reason="补录",
                changed_at=timezone.now(),
            )
    url = reverse("attendance:session-roster", args=[session.pk])
    client.get(url)  # the session and the user's roles are cached alike in both counts
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    rows = response.content.decode().count('class="list-group-item roster-row"')
    return rows, len(queries)


def test_roster_queries_do_not_grow_with_the_trainees(client, session, organiser):
    """N and 3N trainees, half marked and some corrected: the same number of queries."""
    client.force_login(organiser)
    rows, few = _roster_queries(client, session, 10)
    assert rows == 10
    rows, many = _roster_queries(client, session, 20)
    assert rows == 30
    assert few == many


def test_roster_query_count_is_constant(client, session, organiser, django_assert_max_num_queries):
    group = DiscussionGroupFactory(course=session.course)
    for n, registration in enumerate(RegistrationFactory.create_batch(40, course=session.course)):
        if n % 2:
            registration.discussion_group = group
            registration.save()
            AttendanceFactory(registration=registration, session=session)
    client.force_login(organiser)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("attendance:session-roster", args=[session.pk]))
    assert response.content.decode().count('class="list-group-item roster-row"') == 40
    response = client.get(
        reverse("attendance:session-roster", args=[session.pk]), {"group": group.pk}
    )
    assert response.content.decode().count('class="list-group-item roster-row"') == 20


def test_session_list_and_mine_query_counts(
    client, session, organiser, trainee, registration, django_assert_max_num_queries
):
    for _n in range(5):
        SessionFactory(course=session.course)
    AttendanceFactory(registration=registration, session=session)
    client.force_login(organiser)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("attendance:session-list", args=[session.course.pk]))
    assert response.content.decode().count("data-session=") == 6
    client.force_login(trainee)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("attendance:attendance-mine", args=[session.course.pk]))
    assert response.content.decode().count("data-session=") == 6
    with django_assert_max_num_queries(10):
        client.get(reverse("attendance:course-list"))


def test_course_list_is_for_staff_only(client, trainee):
    client.force_login(trainee)
    assert client.get(reverse("attendance:course-list")).status_code == 403


def test_settings_update_by_organiser_only(client, session, organiser):
    url = reverse("attendance:settings-update", args=[session.course.pk])
    client.force_login(UserFactory(roles=[Role.CHECKIN_STAFF]))
    assert client.post(url, {"late_after_minutes": 5}).status_code == 404
    client.force_login(organiser)
    client.post(url, {"late_after_minutes": 5})
    settings = AttendanceSettings.objects.get(course=session.course)
    assert (settings.auto_absent, settings.late_after_minutes) == (False, 5)


def test_organiser_sets_how_many_hours_late_and_excused_marks_earn(
    client, session, organiser, registration
):
    AttendanceFactory(registration=registration, session=session, status="late")
    url = reverse("attendance:settings-update", args=[session.course.pk])
    client.force_login(organiser)
    page = client.get(reverse("attendance:session-list", args=[session.course.pk]))
    assert 'name="late_hours"' in page.content.decode()
    client.post(url, {"late_after_minutes": 5, "late_hours": "half", "excused_hours": "full"})
    settings = AttendanceSettings.objects.get(course=session.course)
    assert (settings.late_hours, settings.excused_hours) == ("half", "full")
    hours = hours_for_registrations([registration])[registration.pk]
    assert (hours.offered, hours.earned) == (Decimal("1.5"), Decimal("0.8"))  # 65 minutes; half
    client.post(url, {"late_after_minutes": 5})  # a form without them keeps them
    settings.refresh_from_db()
    assert (settings.late_hours, settings.excused_hours) == ("half", "full")


def test_qr_code_json_gives_a_working_checkin_url(client, session, organiser):
    client.force_login(organiser)
    data = client.get(reverse("attendance:session-qr-code", args=[session.pk])).json()
    assert data["image"].startswith("data:image/svg+xml")
    assert 0 < data["refresh_in"] <= 30
    assert (data["attended"], data["expected"]) == (0, 0)
    assert "/attendance/checkin/" in data["url"]
    token = data["url"].split("/checkin/")[1].rstrip("/")
    assert services.qr_token_read(token).session_id == session.pk


def test_checkin_flow_through_login(client, session, registration, trainee):
    url = reverse("attendance:checkin", args=[services.qr_token_make(session_id=session.pk)])
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(trainee)
    response = client.get(url)
    assert b'id="checkin-form"' in response.content
    assert not Attendance.objects.exists()  # GET changes nothing
    response = client.post(url)
    assert b'data-code="present"' in response.content
    response = client.post(url)
    assert b'data-code="already_checked_in"' in response.content
    assert Attendance.objects.count() == 1


def test_checkin_with_a_code_that_expired_during_login(client, session, registration, trainee):
    now = timezone.now()
    token = services.qr_token_make(session_id=session.pk, now=now)
    url = reverse("attendance:checkin", args=[token])
    client.get(url)  # seen fresh, then the login page
    client.force_login(trainee)
    stale = now + datetime.timedelta(minutes=2)
    from unittest import mock

    with mock.patch("attendance.services.timezone.now", return_value=stale):
        response = client.post(url)
    assert b'data-code="present"' in response.content


def test_checkin_errors_show_a_message_and_record_nothing(client, session):
    client.force_login(UserFactory())
    url = reverse("attendance:checkin", args=[services.qr_token_make(session_id=session.pk)])
    response = client.post(url)
    assert response.status_code == 400
    assert b'data-code="not_registered"' in response.content
    response = client.get(reverse("attendance:checkin", args=["forged"]))
    assert b'data-code="invalid_code"' in response.content
    assert not Attendance.objects.exists()


# -- downloads of attendance exports ----------------------------------------------------------


@pytest.fixture
def course_job(session, organiser, registration):
    job = export_request(
        user=organiser,
        exporter="attendance.sheet",
        data={"course": session.course.pk},
        language="zh-hans",
    )
    export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    return job


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("administrator", 200),
        ("other_organiser", 404),
        ("trainee", 404),
        ("anonymous", 302),
        ("expired", 410),
    ],
)
def test_download_permission_matrix(client, course_job, trainee, who, status):
    users = {
        "owner": course_job.requested_by,
        "expired": course_job.requested_by,
        "administrator": UserFactory(roles=[Role.ADMINISTRATOR]),
        "other_organiser": UserFactory(roles=[Role.ORGANISER]),
        "trainee": trainee,
    }
    if who == "expired":
        ExportJob.objects.filter(pk=course_job.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
    if who in users:
        client.force_login(users[who])
    response = client.get(reverse("exports:job-download", args=[course_job.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert json.loads(json.dumps(course_job.params)) == {"course": course_job.params["course"]}


def test_qr_and_checkin_pages_query_counts(
    client, session, organiser, trainee, registration, django_assert_max_num_queries
):
    client.force_login(organiser)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("attendance:session-qr", args=[session.pk])).status_code == 200
    client.force_login(trainee)
    url = reverse("attendance:checkin", args=[services.qr_token_make(session_id=session.pk)])
    with django_assert_max_num_queries(8):
        client.get(url)
    # The check-in locks the trainee's registration as staff marks do, and the menu asks whether
    # the trainee takes attendance at some course (one statement each).
    with django_assert_max_num_queries(16):
        assert b'data-code="present"' in client.post(url).content


def test_marks_json_shows_qr_checkins_to_the_staff(
    client, session, organiser, registration, django_assert_max_num_queries
):
    services.qr_checkin(
        token=services.qr_token_make(session_id=session.pk), user=registration.trainee
    )
    RegistrationFactory.create_batch(5, course=session.course)
    client.force_login(organiser)
    with django_assert_max_num_queries(8):
        data = client.get(reverse("attendance:session-marks", args=[session.pk])).json()
    assert list(data["marks"]) == [str(registration.pk)]
    mark = data["marks"][str(registration.pk)]
    assert (mark["status"], mark["label"]) == ("present", "出席")
    assert mark["meta"].startswith("扫码签到 ")
    qr = client.get(reverse("attendance:session-qr-code", args=[session.pk])).json()
    assert (qr["attended"], qr["expected"]) == (1, 6)


def test_course_list_running_and_upcoming_first_then_past(client):
    from courses.models import Course
    from tests.factories.courses import CourseFactory

    today = timezone.localdate()
    staff = UserFactory(roles=[Role.CHECKIN_STAFF])

    def course(title, offset):
        return CourseFactory(
            title=title,
            status=Course.Status.PUBLISHED,
            starts_on=today + datetime.timedelta(days=offset),
            ends_on=today + datetime.timedelta(days=offset),
            registration_opens_at=timezone.now() - datetime.timedelta(days=100),
            registration_closes_at=timezone.now() - datetime.timedelta(days=90),
        )

    course("去年", -300)
    course("下月", 30)
    course("今天", 0)
    course("上月", -30)
    CourseFactory(title="草稿")
    client.force_login(staff)
    page = client.get(reverse("attendance:course-list")).content.decode()
    positions = [page.index(title) for title in ("今天", "下月", "上月", "去年")]
    assert positions == sorted(positions)
    assert "草稿" not in page
