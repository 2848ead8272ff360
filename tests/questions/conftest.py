import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from courses.models import Course
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory


def make_course(organiser, *, days_ahead: int):
    """A published course whose only session starts `days_ahead` days from now (negative: in
    the past) and lasts two hours."""
    starts = timezone.now() + datetime.timedelta(days=days_ahead)
    day = timezone.localtime(starts).date()
    course = CourseFactory(
        status=Course.Status.PUBLISHED,
        organisers=[organiser],
        starts_on=day,
        ends_on=day,
        registration_opens_at=timezone.now() - datetime.timedelta(days=30),
        registration_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    SessionFactory(
        course=course,
        title="政策解读",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    return course


@pytest.fixture
def organiser(db):
    return UserFactory(roles=[Role.ORGANISER], full_name="组织者甲")


@pytest.fixture
def course(organiser):
    """A published course starting in three days."""
    return make_course(organiser, days_ahead=3)


@pytest.fixture
def trainee(course):
    return RegistrationFactory(course=course, trainee__full_name="张三丰").trainee


@pytest.fixture
def other_trainee(course):
    return RegistrationFactory(course=course, trainee__full_name="李四海").trainee
