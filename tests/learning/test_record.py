"""My learning record: every course attended, hours earned and offered, certificates, totals
per year."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from tests.factories.accounts import UserFactory
from tests.factories.attendance import AttendanceFactory
from tests.factories.courses import CourseFactory, SessionFactory, at
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db
URL = reverse("learning:record-mine")


def _attended_course(trainee, starts_on, *, status="present"):
    course = CourseFactory(
        status="published",
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=1),
        registration_opens_at=at(starts_on - datetime.timedelta(days=60), "09:00"),
        registration_closes_at=at(starts_on, "00:00"),
    )
    registration = RegistrationFactory(course=course, trainee=trainee)
    SessionFactory(course=course)  # 90 minutes: 2 learning hours, unmarked
    AttendanceFactory(registration=registration, status=status)
    return course, registration


def test_the_record_shows_hours_earned_and_offered_per_course_and_per_year(client):
    trainee = UserFactory()
    this_year = timezone.localdate().replace(month=1, day=2)
    last_year = this_year.replace(year=this_year.year - 1)
    recent, registration = _attended_course(trainee, this_year)
    _attended_course(trainee, last_year, status="absent")
    _attended_course(trainee, last_year, status="late")
    Certificate.objects.create(
        registration=registration,
        course=recent,
        trainee_name="x",
        hours=Decimal("2"),
        issued_at=timezone.now(),
    )
    RegistrationFactory(trainee=trainee)  # a course two weeks ahead: not attended yet
    client.force_login(trainee)
    html = client.get(URL).content.decode()
    assert html.count("data-course=") == 3
    assert f'data-course="{recent.pk}"' in html
    assert 'data-earned="2" data-offered="4"' in html
    assert f'id="year-{this_year.year}"' in html and f'id="year-{last_year.year}"' in html
    assert 'data-year-earned="2"' in html  # last year: 0 (absent) + 2 (late counts in full)
    assert reverse("certificates:certificate-mine", args=[recent.pk]) in html


def test_the_record_is_in_chinese_for_a_chinese_reader(client):
    trainee = UserFactory()
    _attended_course(trainee, timezone.localdate())
    client.force_login(trainee)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "学习档案" in html and "学时" in html


def test_someone_elses_courses_never_show(client):
    _attended_course(UserFactory(), timezone.localdate())
    client.force_login(UserFactory())
    assert "data-course=" not in client.get(URL).content.decode()


@pytest.mark.parametrize("courses", [1, 6])
def test_the_record_takes_the_same_queries_for_any_number_of_courses(
    client, courses, django_assert_max_num_queries
):
    trainee = UserFactory()
    for n in range(courses):
        _attended_course(trainee, timezone.localdate() - datetime.timedelta(days=30 * n))
    client.force_login(trainee)
    with django_assert_max_num_queries(14):
        response = client.get(URL)
    assert response.content.decode().count("data-course=") == courses
