import pytest

from accounts.models import Organisation
from courses.models import Course, Quota
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


def set_quotas(course, quotas: dict[str | tuple[str | None, str], int]) -> None:
    """Quotas by region code ("44"), or by (region code or None, organisation type)."""
    for group, seats in quotas.items():
        code, type_ = (group, "") if isinstance(group, str) else group
        Quota.objects.create(
            course=course,
            region=region(code) if code else None,
            organisation_type=type_,
            seats=seats,
        )
