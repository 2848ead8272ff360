import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from courses.models import Course
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory


@pytest.fixture
def organiser(db):
    return UserFactory(roles=[Role.ORGANISER], full_name="组织者甲")


@pytest.fixture
def course(organiser):
    """A published course running today."""
    today = timezone.localdate()
    return CourseFactory(
        status=Course.Status.PUBLISHED,
        organisers=[organiser],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        registration_closes_at=timezone.now(),
        registration_opens_at=timezone.now() - datetime.timedelta(days=10),
    )


@pytest.fixture
def session(course):
    """A session that started five minutes ago and runs for another hour."""
    now = timezone.now()
    return SessionFactory(
        course=course,
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=1),
    )


@pytest.fixture
def trainee(course):
    return RegistrationFactory(course=course).trainee


@pytest.fixture
def registration(course, trainee):
    return trainee.registrations.get(course=course)
