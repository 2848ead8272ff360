import pytest

from accounts.models import Organisation
from courses.models import Course, RegionalQuota
from tests.factories.accounts import OrganisationFactory, UserFactory, region
from tests.factories.courses import CourseFactory, SessionFactory


@pytest.fixture
def open_course(db):
    """A published course with one session, registration open, 100 seats."""
    course = CourseFactory(status=Course.Status.PUBLISHED, capacity=100)
    SessionFactory(course=course)
    return course


def trainee_from(code: str, type: str = Organisation.Type.PROVINCIAL_DEPARTMENT, **kwargs):
    """A trainee whose organisation is in region `code` (e.g. "44" Guangdong)."""
    organisation = OrganisationFactory(name=f"单位{code}-{type}", region=region(code), type=type)
    return UserFactory(organisation=organisation, **kwargs)


def set_quotas(course, quotas: dict[str, int]) -> None:
    for code, seats in quotas.items():
        RegionalQuota.objects.create(course=course, region=region(code), seats=seats)
