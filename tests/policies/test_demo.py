import pytest

from accounts.roles import Role
from policies import demo
from policies.models import DocumentChange, DocumentFile, PolicyDocument
from policies.tasks import document_file_extract_text_task
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_builds_the_demo_library_once(django_capture_on_commit_callbacks):
    UserFactory(email="admin@example.cn", roles=[Role.ADMINISTRATOR])
    with django_capture_on_commit_callbacks(execute=False):
        assert demo.seed() == {"documents": len(demo.DOCUMENTS)}
        assert demo.seed() == {"documents": 0}
    assert PolicyDocument.objects.count() == len(demo.DOCUMENTS)
    assert DocumentFile.objects.count() == len(demo.DOCUMENTS)

    pilot = PolicyDocument.objects.get(number_year=2015, number_serial=2103)
    assert [link.authority.name_zh for link in pilot.documentauthority_set.all()] == [
        "国家发展和改革委员会",
        "教育部",
        "人力资源和社会保障部",
        "国家开发银行",
    ]
    no15 = PolicyDocument.objects.get(number="中办发〔2022〕15号")
    old = PolicyDocument.objects.get(number="中办发〔2006〕15号")
    assert old.status == PolicyDocument.Status.REPEALED
    assert old.incoming_relations.get().source == no15
    assert PolicyDocument.objects.get(number="人社部发〔2019〕101号").status == "amended"
    assert old.changes.filter(action=DocumentChange.Action.STATUS_CHANGED).exists()
    # The generated PDFs carry searchable Chinese text.
    original = no15.files.get()
    assert original.text_status == DocumentFile.TextStatus.DONE
    assert "高技能人才" in original.text


def test_seed_without_the_demo_administrator_does_nothing():
    assert demo.seed() == {"documents": 0}
    assert not PolicyDocument.objects.exists()


def test_extraction_task_body_calls_the_service():
    # The task's function body, called directly: Celery is never made eager.
    assert document_file_extract_text_task.run(123456789) == "missing"


def test_migration_grants_library_permissions_to_staff_roles():
    from django.contrib.auth.models import Group

    organiser = Group.objects.get(name=Role.ORGANISER)
    administrator = Group.objects.get(name=Role.ADMINISTRATOR)
    assert organiser.permissions.filter(codename="add_policydocument").exists()
    assert not organiser.permissions.filter(codename="delete_policydocument").exists()
    assert administrator.permissions.filter(codename="delete_policydocument").exists()
    assert (
        not Group.objects.get(name=Role.TRAINEE)
        .permissions.filter(content_type__app_label="policies")
        .exists()
    )


@pytest.mark.parametrize(
    "url",
    [
        "/admin/policies/policydocument/",
        "/admin/policies/issuingauthority/",
        "/admin/policies/documentchange/",
        "/admin/policies/tag/",
    ],
)
def test_admin_pages_open_for_administrators(client, url):
    UserFactory(email="admin@example.cn", roles=[Role.ADMINISTRATOR])
    demo.seed()
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert client.get(url).status_code == 200
    document = PolicyDocument.objects.first()
    assert client.get(f"/admin/policies/policydocument/{document.pk}/change/").status_code == 200
