import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from attendance.models import Attendance
from certificates import services
from courses.models import Course, Session
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory, at
from tests.factories.enrollment import RegistrationFactory


def make_finished_course(organiser, *, sessions: int = 10) -> Course:
    """A published course that ended yesterday, with `sessions` one-hour sessions on its first
    day (the first one the opening ceremony)."""
    first = timezone.localdate() - datetime.timedelta(days=3)
    course = CourseFactory(
        status=Course.Status.PUBLISHED,
        organisers=[organiser],
        starts_on=first,
        ends_on=first + datetime.timedelta(days=2),
        registration_opens_at=timezone.now() - datetime.timedelta(days=60),
        registration_closes_at=at(first, "00:00"),
        hosts="人力资源和社会保障部职业能力建设司",
    )
    for n in range(sessions):
        SessionFactory(
            course=course,
            kind=Session.Kind.OPENING if n == 0 else Session.Kind.LECTURE,
            title="开班仪式" if n == 0 else f"专题讲座{n}",
            starts_at=at(first, "08:00") + datetime.timedelta(hours=n),
            ends_at=at(first, "09:00") + datetime.timedelta(hours=n),
            order=n,
        )
    return course


def mark(registration, statuses: list[str]) -> None:
    """Give the registration's trainee the statuses in session order (None: no mark)."""
    sessions = list(registration.course.sessions.order_by("starts_at", "order", "pk"))
    Attendance.objects.bulk_create(
        Attendance(
            registration=registration,
            session=session,
            status=status,
            method=Attendance.Method.LIST,
            marked_at=session.starts_at,
        )
        for session, status in zip(sessions, statuses, strict=False)
        if status
    )


P, L, E, A = "present", "late", "excused", "absent"


def rule(course, organiser, **overrides):
    values = {
        "auto_issue": True,
        "min_attendance_percent": 80,
        "count_excused": False,
        "require_feedback": False,
        "required_sessions": [],
    }
    values.update(overrides)
    return services.rule_save(course=course, by=organiser, **values)


@pytest.fixture
def organiser(db):
    return UserFactory(roles=[Role.ORGANISER], full_name="组织者甲")


@pytest.fixture
def course(organiser):
    return make_finished_course(organiser)


@pytest.fixture
def trainee(course):
    """A confirmed trainee with a Chinese name who attended 9 of 10 sessions."""
    registration = RegistrationFactory(
        course=course, trainee=UserFactory(full_name="欧阳明月"), full_name="欧阳明月"
    )
    mark(registration, [P, P, P, L, P, P, P, P, P, A])
    return registration
