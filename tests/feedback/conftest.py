import pytest

from accounts.roles import Role
from tests.factories.accounts import UserFactory


@pytest.fixture
def organiser(db):
    return UserFactory(roles=[Role.ORGANISER], full_name="组织者甲")
