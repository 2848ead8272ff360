"""Reading-pack pages: the course page for every role, the organisers' editor, query counts."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from courses.models import ReadingPackItem, ReadingPackSection
from tests.courses.packs import ROLES, build_pack, user_for
from tests.factories.accounts import UserFactory
from tests.factories.policies import PolicyDocumentFactory

pytestmark = pytest.mark.django_db

ALL_ITEMS = {"public_doc", "trainee_doc", "staff_doc", "培训须知", "专题讲座课件", "组织者工作手册"}
# What each role finds of the pack on the course page (None: only that a pack exists).
COURSE_PAGE = {
    "anonymous": None,
    "trainee": None,
    "registered": {"public_doc", "trainee_doc", "培训须知", "专题讲座课件"},
    "other_organiser": None,
    "organiser": ALL_ITEMS,
    "administrator": ALL_ITEMS,
}


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


def marker(pack, name: str) -> str:
    if name.endswith("_doc"):
        return getattr(pack, name).title
    return name


@pytest.mark.parametrize("role", ROLES)
def test_course_page_shows_the_pack_to_registered_trainees_and_organisers_only(
    client, pack, enrollment, role
):
    user = user_for(role, pack, enrollment)
    response = client_for(client, user).get(pack.course.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="reading-pack"' in html
    expected = COURSE_PAGE[role]
    download = reverse("courses:pack-bundle-request", args=[pack.course.pk])
    if expected is None:
        assert "中央文件" not in html
        assert download not in html
        for name in ALL_ITEMS - {"培训须知"}:  # the public material is also listed elsewhere
            assert marker(pack, name) not in html
        return
    assert "中央文件" in html and "部门配套文件" in html
    assert download in html
    for name in ALL_ITEMS:
        assert (marker(pack, name) in html) == (name in expected), name
    assert "重点学习" in html  # the item's note
    assert pack.public_doc.number in html


def test_course_page_without_a_pack_says_nothing_about_one(client, media):
    from tests.factories.courses import CourseFactory

    course = CourseFactory(status="published")
    html = client.get(course.get_absolute_url()).content.decode()
    assert 'id="reading-pack"' not in html


def test_course_page_queries_do_not_grow_with_the_pack(
    client, pack, enrollment, django_assert_max_num_queries
):
    trainee = UserFactory()
    enrollment.register(trainee, pack.course)
    client.force_login(trainee)
    url = pack.course.get_absolute_url()
    client.get(url)
    with django_assert_max_num_queries(22) as before:
        client.get(url)
    for number in range(6):
        document = PolicyDocumentFactory(number=f"测试发〔2023〕{number + 1}号")
        ReadingPackItem.objects.create(section=pack.central, document=document, order=10 + number)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert "测试发〔2023〕6号" in response.content.decode()


# -- The organisers' editor -------------------------------------------------------------------


def test_pack_manage_page_is_for_the_course_organisers(client, pack, enrollment):
    url = reverse("courses:pack-manage", args=[pack.course.pk])
    assert client.get(url).status_code == 302  # sign in
    for outsider in (UserFactory(), UserFactory(roles=[Role.ORGANISER])):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(pack.organiser)
    response = client.get(url)
    assert response.status_code == 200
    assert pack.staff_doc.title in response.content.decode()
    manage = client.get(reverse("courses:course-manage", args=[pack.course.pk])).content.decode()
    assert url in manage


def test_pack_manage_page_query_count(client, pack, django_assert_max_num_queries):
    client.force_login(pack.organiser)
    url = reverse("courses:pack-manage", args=[pack.course.pk]) + "?q=2022"
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.status_code == 200


def test_organiser_finds_a_document_by_number_and_adds_it(client, media):
    pack = build_pack()
    pilot = PolicyDocumentFactory(
        number="发改振兴〔2015〕2103号", title="老工业基地产业转型技术技能人才双元培育改革试点方案"
    )
    client.force_login(pack.organiser)
    url = reverse("courses:pack-manage", args=[pack.course.pk])
    html = client.get(url, {"q": "[2015]2103"}).content.decode()
    assert pilot.title in html
    response = client.post(
        reverse("courses:pack-item-add", args=[pack.course.pk]),
        {"section": pack.departmental.pk, "document": pilot.pk, "q": "[2015]2103"},
    )
    assert response.status_code == 302
    assert pack.departmental.items.order_by("order").last().document == pilot
    # Again: refused with a message, nothing added.
    response = client.post(
        reverse("courses:pack-item-add", args=[pack.course.pk]),
        {"section": pack.departmental.pk, "document": pilot.pk},
        follow=True,
    )
    assert [message.level_tag for message in response.context["messages"]][-1] == "error"
    assert pack.departmental.items.filter(document=pilot).count() == 1


def test_organiser_adds_a_material_and_edits_sections_and_items(client, pack):
    client.force_login(pack.organiser)
    manage = reverse("courses:pack-manage", args=[pack.course.pk])
    response = client.post(manage, {"heading": "学习材料", "note": ""})
    assert response.status_code == 302
    section = ReadingPackSection.objects.get(course=pack.course, heading="学习材料")
    assert client.post(manage, {"heading": " "}).status_code == 400

    pack.central.items.filter(material=pack.public_material).delete()
    response = client.post(
        reverse("courses:pack-item-add", args=[pack.course.pk]),
        {"section": section.pk, "material": pack.public_material.pk, "note": "报到须知"},
    )
    assert response.status_code == 302
    item = section.items.get()
    assert (item.material, item.note) == (pack.public_material, "报到须知")

    client.post(reverse("courses:pack-item-update", args=[item.pk]), {"note": "请先阅读"})
    item.refresh_from_db()
    assert item.note == "请先阅读"
    client.post(reverse("courses:pack-section-move", args=[section.pk]), {"direction": "up"})
    assert list(pack.course.pack_sections.order_by("order").values_list("heading", flat=True)) == [
        "中央文件",
        "学习材料",
        "部门配套文件",
    ]
    client.post(
        reverse("courses:pack-section-update", args=[section.pk]),
        {"heading": "参考材料", "note": "选读"},
    )
    section.refresh_from_db()
    assert section.heading == "参考材料"
    first = pack.central.items.order_by("order").first()
    client.post(reverse("courses:pack-item-move", args=[first.pk]), {"direction": "down"})
    assert pack.central.items.order_by("order").last() == first
    client.post(reverse("courses:pack-item-remove", args=[first.pk]))
    assert not ReadingPackItem.objects.filter(pk=first.pk).exists()
    client.post(reverse("courses:pack-section-delete", args=[section.pk]))
    assert not ReadingPackSection.objects.filter(pk=section.pk).exists()


def test_pack_edit_urls_of_another_course_are_404(client, pack):
    client.force_login(UserFactory(roles=[Role.ORGANISER]))
    item = pack.central.items.first()
    for url in (
        reverse("courses:pack-section-update", args=[pack.central.pk]),
        reverse("courses:pack-item-update", args=[item.pk]),
    ):
        assert client.get(url).status_code == 404
    for url in (
        reverse("courses:pack-section-move", args=[pack.central.pk]),
        reverse("courses:pack-section-delete", args=[pack.central.pk]),
        reverse("courses:pack-item-move", args=[item.pk]),
        reverse("courses:pack-item-remove", args=[item.pk]),
        reverse("courses:pack-item-add", args=[pack.course.pk]),
    ):
        assert client.post(url, {"direction": "up"}).status_code == 404
    assert pack.central.items.count() == 3
    assert ReadingPackSection.objects.filter(pk=pack.central.pk).exists()
