import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import Role
from exports.models import ExportJob
from exports.selectors import export_job_list_for_user
from tests.factories.accounts import UserFactory


@pytest.fixture
def job():
    return ExportJob.objects.create(
        requested_by=UserFactory(roles=[Role.ORGANISER]),
        exporter="accounts.people",
        title="人员",
        language="zh-hans",
    )


@pytest.mark.django_db
def test_only_the_administrator_role_may_see_every_export():
    holders = Group.objects.filter(
        permissions__content_type__app_label="exports",
        permissions__codename="view_every_export",
    )
    assert list(holders.values_list("name", flat=True)) == [Role.ADMINISTRATOR]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, sees",
    [
        ("requester", True),
        ("administrator", True),
        ("superuser", True),
        ("holder_of_the_permission", True),
        ("organiser", False),
        ("checkin_staff", False),
        ("trainee", False),
    ],
)
def test_an_export_is_seen_by_its_requester_and_who_may_see_every_export(job, who, sees):
    users = {
        "requester": lambda: job.requested_by,
        "administrator": lambda: UserFactory(roles=[Role.ADMINISTRATOR]),
        "superuser": lambda: UserFactory(is_superuser=True),
        "holder_of_the_permission": _holder_of_the_permission,
        "organiser": lambda: UserFactory(roles=[Role.ORGANISER]),
        "checkin_staff": lambda: UserFactory(roles=[Role.CHECKIN_STAFF]),
        "trainee": UserFactory,
    }
    user = users[who]()
    assert export_job_list_for_user(user=user).filter(pk=job.pk).exists() is sees


def _holder_of_the_permission():
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="exports", codename="view_every_export")
    )
    return user
