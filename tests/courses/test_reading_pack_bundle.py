"""The whole pack as one ZIP: request, build, contents, cache and downloads for every role."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from courses.models import Material, ReadingPackBundle, ReadingPackItem, ReadingPackSection
from courses.services import pack_bundle, pack_item_update
from courses.tasks import reading_pack_build_task
from policies.models import DocumentFile
from tests.courses.packs import ROLES, user_for
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory
from tests.pdfs import assert_fonts_embedded

pytestmark = pytest.mark.django_db

REGISTERED_NAMES = [
    "00-目录.pdf",
    "00-目录.html",
    "01-中办发〔2022〕15号-关于加强新时代高技能人才队伍建设的意见.pdf",
    "02-人社部发〔2022〕14号-关于健全完善新时代技能人才职业技能等级制度的意见.pdf",
    "03-培训须知.pdf",
    "04-专题讲座课件.pdf",
]


def request_bundle(pack, user, django_capture_on_commit_callbacks, *, language="zh-hans"):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        bundle = pack_bundle.reading_pack_bundle_request(
            course=pack.course, user=user, language=language
        )
    return bundle, callbacks


def built(bundle: ReadingPackBundle) -> ReadingPackBundle:
    assert pack_bundle.reading_pack_bundle_build(bundle_id=bundle.pk) == "done"
    bundle.refresh_from_db()
    return bundle


def archive(bundle: ReadingPackBundle) -> zipfile.ZipFile:
    with bundle.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


@pytest.fixture
def registered(pack, enrollment):
    trainee = UserFactory()
    enrollment.register(trainee, pack.course)
    return trainee


def test_the_build_task_has_an_explicit_name():
    assert reading_pack_build_task.name == "courses.reading_pack_build"


def test_request_queues_one_build_after_commit(
    pack, registered, django_capture_on_commit_callbacks
):
    bundle, callbacks = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    assert len(callbacks) == 1
    assert bundle.status == ReadingPackBundle.Status.QUEUED
    assert bundle.progress_total == 4
    assert bundle.percent == 0


def test_bundle_of_a_registered_trainee_holds_exactly_what_they_may_see_in_pack_order(
    pack, registered, django_capture_on_commit_callbacks
):
    bundle, _ = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    bundle = built(bundle)
    assert bundle.status == ReadingPackBundle.Status.DONE and bundle.percent == 100
    zipped = archive(bundle)
    assert zipped.namelist() == REGISTERED_NAMES
    # Each file is the stored one, byte for byte.
    stored = pack.public_doc.files.get()
    with stored.file.open("rb") as handle:
        assert zipped.read(REGISTERED_NAMES[2]) == handle.read()

    assert_fonts_embedded(zipped.read("00-目录.pdf"))
    contents = PdfReader(io.BytesIO(zipped.read("00-目录.pdf")))
    text = "".join(page.extract_text() for page in contents.pages).replace("\n", "")
    for expected in (
        pack.course.title,
        "中央文件",
        "部门配套文件",
        pack.public_doc.title,
        pack.trainee_doc.title,
        "中办发〔2022〕15号",
        "中共中央办公厅",
        "重点学习",
        "专题讲座课件",
    ):
        assert expected in text, expected
    assert pack.staff_doc.title not in text
    assert "组织者工作手册" not in text
    index = zipped.read("00-目录.html").decode()
    assert pack.trainee_doc.title in index and pack.staff_doc.title not in index


def test_organiser_bundle_has_every_item_and_is_shared_with_administrators(
    pack, django_capture_on_commit_callbacks
):
    from accounts.roles import Role

    bundle, _ = request_bundle(pack, pack.organiser, django_capture_on_commit_callbacks)
    names = archive(built(bundle)).namelist()
    assert len(names) == 2 + 6
    assert names[5] == "04-人社部发〔2024〕3号-高技能人才培训基地建设项目管理办法.pdf"
    assert names[-1] == "06-组织者工作手册.pdf"
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    again, callbacks = request_bundle(pack, admin, django_capture_on_commit_callbacks)
    assert again.pk == bundle.pk
    assert callbacks == []  # already built: nothing to queue


def test_english_bundle_is_a_separate_bundle_with_english_contents(
    pack, registered, django_capture_on_commit_callbacks
):
    chinese, _ = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    english, _ = request_bundle(pack, registered, django_capture_on_commit_callbacks, language="en")
    assert english.pk != chinese.pk
    assert archive(built(english)).namelist()[:2] == ["00-Contents.pdf", "00-Contents.html"]


def test_file_names_are_sanitised(pack, django_capture_on_commit_callbacks):
    Material.objects.filter(pk=pack.organiser_material.pk).update(title='../../手册: "草稿" <v2>?')
    bundle, _ = request_bundle(pack, pack.organiser, django_capture_on_commit_callbacks)
    name = archive(built(bundle)).namelist()[-1]
    assert name == "06-手册_ _草稿_ _v2.pdf"
    assert "/" not in name and ".." not in name


@pytest.mark.parametrize("role", ["anonymous", "trainee", "other_organiser"])
def test_request_is_refused_to_those_outside_the_pack(pack, enrollment, role):
    from django.contrib.auth.models import AnonymousUser

    user = user_for(role, pack, enrollment) or AnonymousUser()
    with pytest.raises(PermissionDenied):
        pack_bundle.reading_pack_bundle_request(course=pack.course, user=user, language="zh-hans")
    assert not ReadingPackBundle.objects.exists()


def test_request_of_an_empty_pack_is_refused(media, enrollment):
    course = CourseFactory(status="published")
    organiser = course.organisers.get()
    ReadingPackSection.objects.create(course=course, heading="中央文件")
    with pytest.raises(ValidationError) as excinfo:
        pack_bundle.reading_pack_bundle_request(course=course, user=organiser, language="zh-hans")
    assert excinfo.value.code == "empty"


# -- Cache ------------------------------------------------------------------------------------


def test_the_same_set_reuses_the_bundle_across_users(
    pack, enrollment, registered, django_capture_on_commit_callbacks
):
    first, _ = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    built(first)
    other = UserFactory()
    enrollment.register(other, pack.course)
    second, callbacks = request_bundle(pack, other, django_capture_on_commit_callbacks)
    assert second.pk == first.pk
    assert callbacks == []
    assert ReadingPackBundle.objects.count() == 1


def test_any_change_to_the_pack_or_its_files_gives_a_new_bundle(
    pack, registered, django_capture_on_commit_callbacks
):
    first, _ = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    built(first)

    item = pack.central.items.get(document=pack.public_doc)
    pack_item_update(item=item, by=pack.organiser, note="新的说明")
    second, callbacks = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    assert second.pk != first.pk and len(callbacks) == 1

    built(second)
    DocumentFile.objects.filter(document=pack.public_doc).update(sha256="0" * 64)
    third, _ = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    assert third.pk not in (first.pk, second.pk)

    built_third = pack_bundle.reading_pack_bundle_build(bundle_id=third.pk)
    assert built_third == "done"
    ReadingPackItem.objects.filter(section=pack.central).order_by("order").first().delete()
    fourth, _ = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    assert fourth.pk not in (first.pk, second.pk, third.pk)


def test_a_change_in_what_the_user_may_see_gives_another_bundle(
    pack, enrollment, django_capture_on_commit_callbacks
):
    trainee = UserFactory()
    enrollment.register(trainee, pack.course)
    registered_bundle, _ = request_bundle(pack, trainee, django_capture_on_commit_callbacks)
    Material.objects.filter(pk=pack.trainee_material.pk).update(
        visibility=Material.Visibility.ORGANISERS
    )
    narrower, _ = request_bundle(pack, trainee, django_capture_on_commit_callbacks)
    assert narrower.pk != registered_bundle.pk
    assert narrower.progress_total == 3


def test_a_file_changed_during_the_build_fails_it_and_a_new_request_retries(
    pack, registered, django_capture_on_commit_callbacks
):
    bundle, _ = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    Material.objects.filter(pk=pack.trainee_material.pk).update(sha256="f" * 64)
    assert pack_bundle.reading_pack_bundle_build(bundle_id=bundle.pk) == "failed"
    bundle.refresh_from_db()
    assert bundle.status == ReadingPackBundle.Status.FAILED and bundle.error
    assert not bundle.file
    # A second run of the same task does nothing.
    assert pack_bundle.reading_pack_bundle_build(bundle_id=bundle.pk) == "skipped"


def test_failed_bundle_is_queued_again_when_asked_again(
    pack, registered, django_capture_on_commit_callbacks
):
    bundle, _ = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    ReadingPackBundle.objects.filter(pk=bundle.pk).update(
        status=ReadingPackBundle.Status.FAILED, error="boom"
    )
    again, callbacks = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    assert again.pk == bundle.pk
    assert again.status == ReadingPackBundle.Status.QUEUED and again.error == ""
    assert len(callbacks) == 1


def test_cleanup_removes_bundles_nobody_asked_for(
    pack, registered, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    bundle = built(request_bundle(pack, registered, django_capture_on_commit_callbacks)[0])
    path = bundle.file.path
    assert pack_bundle.reading_pack_bundle_cleanup() == 0
    ReadingPackBundle.objects.filter(pk=bundle.pk).update(
        last_requested_at=timezone.now() - datetime.timedelta(days=30)
    )
    assert pack_bundle.reading_pack_bundle_cleanup() == 1
    assert not ReadingPackBundle.objects.exists()
    import os

    assert not os.path.exists(path)


# -- Pages and downloads for every role -------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_download_button_for_every_role(client, pack, enrollment, role):
    user = user_for(role, pack, enrollment)
    if user is not None:
        client.force_login(user)
    url = reverse("courses:pack-bundle-request", args=[pack.course.pk])
    response = client.post(url)
    assert response.status_code == 302
    if role in ("anonymous",):
        assert "/accounts/login/" in response["Location"]
    elif role in ("trainee", "other_organiser"):
        assert response["Location"] == pack.course.get_absolute_url()
    else:
        bundle = ReadingPackBundle.objects.get()
        assert response["Location"] == reverse("courses:pack-bundle-detail", args=[bundle.pk])
    assert ReadingPackBundle.objects.exists() == (
        role in ("registered", "organiser", "administrator")
    )


# Who may fetch the registered trainees' bundle: 200 file, 302 sign in / changed, 404 not theirs.
DOWNLOAD = {
    "anonymous": 302,
    "trainee": 404,
    "registered": 200,
    "other_organiser": 404,
    "organiser": 302,  # they see more: the bundle is not theirs, they are sent to the course
    "administrator": 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_bundle_download_and_progress_for_every_role(
    client, pack, enrollment, registered, role, django_capture_on_commit_callbacks
):
    bundle = built(request_bundle(pack, registered, django_capture_on_commit_callbacks)[0])
    user = user_for(role, pack, enrollment)
    if user is not None:
        client.force_login(user)
    download = client.get(reverse("courses:pack-bundle-download", args=[bundle.pk]))
    assert download.status_code == DOWNLOAD[role]
    if role == "registered":
        assert download["Content-Type"] == "application/zip"
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''" in download["Content-Disposition"]
        body = b"".join(download.streaming_content)
        assert zipfile.ZipFile(io.BytesIO(body)).namelist() == REGISTERED_NAMES
    if role in ("organiser", "administrator"):
        assert download["Location"].startswith(pack.course.get_absolute_url())
    status = client.get(reverse("courses:pack-bundle-status", args=[bundle.pk]))
    page = client.get(reverse("courses:pack-bundle-detail", args=[bundle.pk]))
    if role in ("registered", "organiser", "administrator"):
        assert status.status_code == 200
        assert status.json()["status"] == "done" and status.json()["percent"] == 100
        assert page.status_code == 200
    elif role == "anonymous":
        # Pages that need an account send anonymous visitors to sign in, the JSON one too.
        assert status.status_code == 302 and "/accounts/login/" in status["Location"]
        assert page.status_code == 302
    else:
        assert status.status_code == 404 and page.status_code == 404


def test_a_bundle_made_before_the_pack_changed_is_no_longer_served(
    client, pack, registered, django_capture_on_commit_callbacks
):
    bundle = built(request_bundle(pack, registered, django_capture_on_commit_callbacks)[0])
    Material.objects.filter(pk=pack.trainee_material.pk).update(
        visibility=Material.Visibility.ORGANISERS
    )
    client.force_login(registered)
    response = client.get(reverse("courses:pack-bundle-download", args=[bundle.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(pack.course.get_absolute_url())


def test_a_built_bundle_is_served_at_once_on_the_next_click(
    client, pack, registered, django_capture_on_commit_callbacks
):
    bundle = built(request_bundle(pack, registered, django_capture_on_commit_callbacks)[0])
    client.force_login(registered)
    response = client.post(reverse("courses:pack-bundle-request", args=[pack.course.pk]))
    assert response["Location"] == reverse("courses:pack-bundle-download", args=[bundle.pk])


def test_progress_page_query_count(
    client, pack, registered, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    bundle, _ = request_bundle(pack, registered, django_capture_on_commit_callbacks)
    client.force_login(registered)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("courses:pack-bundle-detail", args=[bundle.pk]))
    assert response.status_code == 200
    assert 'data-status="queued"' in response.content.decode()
