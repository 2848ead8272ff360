"""Check-in staff assigned to a course take its attendance, and only its; the check-in staff
role (granted by administrators) still means every course."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from attendance.models import Attendance
from courses.models import Course, CourseCheckinStaff
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_session(session):
    other = CourseFactory(status=Course.Status.PUBLISHED, title="另一个培训班")
    return SessionFactory(course=other)


def _pages(session) -> list[str]:
    return [
        reverse("attendance:session-list", args=[session.course.pk]),
        reverse("attendance:session-roster", args=[session.pk]),
        reverse("attendance:session-qr", args=[session.pk]),
        reverse("attendance:session-marks", args=[session.pk]),
    ]


def test_assigned_staff_take_their_course_and_no_other(client, session, other_session):
    staff = UserFactory()
    CourseCheckinStaff.objects.create(course=session.course, user=staff)
    registration = RegistrationFactory(course=session.course)
    other_registration = RegistrationFactory(course=other_session.course)
    client.force_login(staff)
    for url in _pages(session):
        assert client.get(url).status_code == 200, url
    for url in _pages(other_session):
        assert client.get(url).status_code == 404, url
    client.post(
        reverse("attendance:attendance-mark", args=[session.pk]),
        {"mark": f"{registration.pk}:present"},
    )
    refused = client.post(
        reverse("attendance:attendance-mark", args=[other_session.pk]),
        {"mark": f"{other_registration.pk}:present"},
    )
    assert refused.status_code == 404
    assert list(Attendance.objects.values_list("registration", flat=True)) == [registration.pk]


def test_assigned_staff_find_their_courses_from_the_menu(client, session, other_session):
    staff = UserFactory()
    CourseCheckinStaff.objects.create(course=session.course, user=staff)
    client.force_login(staff)
    home = client.get(reverse("home")).content.decode()
    assert 'id="nav-attendance"' in home
    listing = client.get(reverse("attendance:course-list"))
    assert listing.status_code == 200
    assert list(listing.context["courses"]) == [session.course]


def test_a_trainee_has_no_attendance_menu(client, session):
    client.force_login(UserFactory())
    assert 'id="nav-attendance"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("attendance:course-list")).status_code == 403


def test_all_courses_staff_take_both(client, session, other_session):
    client.force_login(UserFactory(roles=[Role.CHECKIN_STAFF]))
    for url in _pages(session) + _pages(other_session):
        assert client.get(url).status_code == 200, url


def test_staff_of_a_draft_course_wait_for_it_to_be_published(client, session):
    Course.objects.filter(pk=session.course.pk).update(status=Course.Status.DRAFT)
    staff = UserFactory()
    CourseCheckinStaff.objects.create(course=session.course, user=staff)
    client.force_login(staff)
    assert client.get(reverse("attendance:session-roster", args=[session.pk])).status_code == 404
    listing = client.get(reverse("attendance:course-list"))
    assert listing.status_code == 200 and list(listing.context["courses"]) == []
