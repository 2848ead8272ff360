"""Reading-pack services (codes, ordering, locking), the library hooks and the clone."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from accounts.roles import Role
from courses import services
from courses.models import Course, Material, ReadingPackItem, ReadingPackSection
from courses.selectors import course_links_for_document, pack_for_course, registered_document_ids
from policies import hooks
from policies.models import PolicyDocument
from policies.selectors import (
    document_course_links,
    document_is_visible_to,
    document_list_visible_to,
)
from tests.courses.packs import add_material, build_pack
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory
from tests.factories.policies import PolicyDocumentFactory

pytestmark = pytest.mark.django_db


def code_of(excinfo) -> str:
    return excinfo.value.error_list[0].code


def headings(course: Course) -> list[str]:
    return list(course.pack_sections.order_by("order", "pk").values_list("heading", flat=True))


def item_ids(section: ReadingPackSection) -> list[int]:
    return list(section.items.order_by("order", "pk").values_list("pk", flat=True))


# -- Sections ---------------------------------------------------------------------------------


def test_sections_are_appended_in_order_and_moved_up_and_down(media):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(organisers=[organiser])
    for heading in ("中央领导同志重要指示批示", "中央文件", "部门配套文件"):
        services.pack_section_create(course=course, by=organiser, heading=heading)
    assert headings(course) == ["中央领导同志重要指示批示", "中央文件", "部门配套文件"]

    last = course.pack_sections.get(heading="部门配套文件")
    services.pack_section_move(section=last, by=organiser, direction="up")
    assert headings(course) == ["中央领导同志重要指示批示", "部门配套文件", "中央文件"]

    first = course.pack_sections.get(heading="中央领导同志重要指示批示")
    with pytest.raises(ValidationError) as excinfo:
        services.pack_section_move(section=first, by=organiser, direction="up")
    assert code_of(excinfo) == "at_edge"
    with pytest.raises(ValidationError) as excinfo:
        services.pack_section_move(section=first, by=organiser, direction="sideways")
    assert code_of(excinfo) == "direction"

    services.pack_section_update(section=first, by=organiser, heading="  重要指示  ", note="必读")
    first.refresh_from_db()
    assert (first.heading, first.note) == ("重要指示", "必读")

    services.pack_section_delete(
        section=course.pack_sections.get(heading="部门配套文件"), by=organiser
    )
    assert headings(course) == ["重要指示", "中央文件"]
    assert list(course.pack_sections.values_list("order", flat=True).order_by("order")) == [0, 1]


def test_a_section_needs_a_heading(media):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(organisers=[organiser])
    with pytest.raises(ValidationError) as excinfo:
        services.pack_section_create(course=course, by=organiser, heading="   ")
    assert excinfo.value.error_dict["heading"][0].code == "heading_required"
    assert not course.pack_sections.exists()


def test_only_the_course_organisers_and_administrators_change_the_pack(media):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(organisers=[organiser])
    for outsider in (UserFactory(), UserFactory(roles=[Role.ORGANISER])):
        with pytest.raises(PermissionDenied):
            services.pack_section_create(course=course, by=outsider, heading="中央文件")
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    services.pack_section_create(course=course, by=admin, heading="中央文件")
    assert headings(course) == ["中央文件"]


def test_a_cancelled_course_pack_can_no_longer_change(media):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(organisers=[organiser], status=Course.Status.CANCELLED)
    with pytest.raises(ValidationError) as excinfo:
        services.pack_section_create(course=course, by=organiser, heading="中央文件")
    assert code_of(excinfo) == "not_editable"


# -- Items ------------------------------------------------------------------------------------


def test_items_are_added_moved_annotated_and_removed(pack):
    organiser, central = pack.organiser, pack.central
    first, second, third = item_ids(central)

    services.pack_item_move(
        item=ReadingPackItem.objects.get(pk=third), by=organiser, direction="up"
    )
    assert item_ids(central) == [first, third, second]
    services.pack_item_move(
        item=ReadingPackItem.objects.get(pk=first), by=organiser, direction="down"
    )
    assert item_ids(central) == [third, first, second]
    with pytest.raises(ValidationError) as excinfo:
        services.pack_item_move(
            item=ReadingPackItem.objects.get(pk=second), by=organiser, direction="down"
        )
    assert code_of(excinfo) == "at_edge"

    services.pack_item_update(
        item=ReadingPackItem.objects.get(pk=first), by=organiser, note=" 必读 "
    )
    assert ReadingPackItem.objects.get(pk=first).note == "必读"

    services.pack_item_remove(item=ReadingPackItem.objects.get(pk=third), by=organiser)
    assert item_ids(central) == [first, second]
    assert list(central.items.order_by("order").values_list("order", flat=True)) == [0, 1]
    # The material itself stays in the course.
    assert Material.objects.filter(pk=pack.public_material.pk).exists()


def test_pack_item_add_refuses_with_codes(pack):
    organiser, central, departmental = pack.organiser, pack.central, pack.departmental

    def refused(**kwargs) -> str:
        with pytest.raises(ValidationError) as excinfo:
            services.pack_item_add(by=organiser, **kwargs)
        return code_of(excinfo)

    assert refused(section=central) == "one_source"
    assert (
        refused(section=central, document=pack.public_doc, material=pack.public_material)
        == "one_source"
    )
    # Once per pack, even in another section.
    assert refused(section=departmental, document=pack.public_doc) == "already_in_pack"
    assert refused(section=departmental, material=pack.public_material) == "already_in_pack"
    draft = PolicyDocumentFactory(is_published=False)
    assert refused(section=central, document=draft) == "document_not_published"
    other_course = CourseFactory(organisers=[organiser])
    foreign = add_material(other_course, organiser, "别的课件", Material.Visibility.PUBLIC)
    assert refused(section=central, material=foreign) == "material_other_course"
    assert central.items.count() == 3


def test_the_database_refuses_an_item_with_both_or_neither_source(pack):
    from django.db import IntegrityError, transaction

    for kwargs in ({}, {"document": pack.public_doc, "material": pack.public_material}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReadingPackItem.objects.create(section=pack.central, order=9, **kwargs)


@pytest.mark.django_db(transaction=True)
def test_concurrent_additions_lock_the_course_and_keep_one_place_per_item(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(organisers=[organiser], status=Course.Status.PUBLISHED)
    section = services.pack_section_create(course=course, by=organiser, heading="中央文件")
    documents = PolicyDocumentFactory.create_batch(8)
    barrier = threading.Barrier(len(documents))
    errors = []

    def add(document: PolicyDocument) -> None:
        try:
            barrier.wait()
            services.pack_item_add(section=section, by=organiser, document=document)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(document,)) for document in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    orders = sorted(section.items.values_list("order", flat=True))
    assert orders == list(range(len(documents)))


def test_services_take_the_course_row_lock(pack, django_assert_num_queries):
    # The lock is the first thing each write does after its permission check.
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.pack_section_create(course=pack.course, by=pack.organiser, heading="学习材料")
    statements = [query["sql"] for query in queries.captured_queries]
    lock_index = next(
        i
        for i, sql in enumerate(statements)
        if "FOR NO KEY UPDATE" in sql and "courses_course" in sql
    )
    first_pack_query = next(i for i, sql in enumerate(statements) if "readingpack" in sql)
    assert lock_index < first_pack_query


# -- Visibility inside the pack ---------------------------------------------------------------


def visible_titles(pack, user, can_edit=False) -> list[list[str]]:
    return [
        [str(item.document.title if item.document else item.material.title) for item in view.items]
        for view in pack_for_course(course=pack.course, user=user, can_edit=can_edit)
    ]


def test_pack_for_course_keeps_each_role_to_what_it_may_see(pack, enrollment):
    trainee = UserFactory()
    assert visible_titles(pack, trainee) == [[pack.public_doc.title, "培训须知"], []]
    enrollment.register(trainee, pack.course)
    assert visible_titles(pack, trainee) == [
        [pack.public_doc.title, pack.trainee_doc.title, "培训须知"],
        ["专题讲座课件"],
    ]
    assert visible_titles(pack, pack.organiser, can_edit=True) == [
        [pack.public_doc.title, pack.trainee_doc.title, "培训须知"],
        [pack.staff_doc.title, "专题讲座课件", "组织者工作手册"],
    ]


def test_an_unpublished_document_leaves_the_pack_of_trainees(pack, enrollment):
    trainee = UserFactory()
    enrollment.register(trainee, pack.course)
    PolicyDocument.objects.filter(pk=pack.public_doc.pk).update(is_published=False)
    assert pack.public_doc.title not in visible_titles(pack, trainee)[0]


# -- The library's hooks ----------------------------------------------------------------------


def test_courses_registers_both_library_hooks():
    assert registered_document_ids in hooks.registration_providers()
    assert course_links_for_document in hooks.course_links_providers()


def test_registration_provider_opens_trainee_documents_of_registered_courses_only(pack, enrollment):
    trainee = UserFactory()
    assert not document_is_visible_to(user=trainee, document=pack.trainee_doc)
    assert pack.trainee_doc not in document_list_visible_to(trainee)

    other = CourseFactory(status=Course.Status.PUBLISHED)
    enrollment.register(trainee, other)
    assert not document_is_visible_to(user=trainee, document=pack.trainee_doc)

    enrollment.register(trainee, pack.course)
    assert set(registered_document_ids(trainee).values_list("document_id", flat=True)) == {
        pack.public_doc.pk,
        pack.trainee_doc.pk,
        pack.staff_doc.pk,
    }
    assert document_is_visible_to(user=trainee, document=pack.trainee_doc)
    assert pack.trainee_doc in document_list_visible_to(trainee)
    # Staff documents stay staff-only, whatever the pack links.
    assert not document_is_visible_to(user=trainee, document=pack.staff_doc)
    assert pack.staff_doc not in document_list_visible_to(trainee)


def test_no_enrollment_app_means_no_registered_documents(pack):
    assert list(registered_document_ids(UserFactory())) == []


def test_course_links_provider_lists_visible_courses_using_the_document(pack):
    from django.contrib.auth.models import AnonymousUser

    draft = CourseFactory(title="尚未发布的培训班")
    section = ReadingPackSection.objects.create(course=draft, heading="中央文件")
    ReadingPackItem.objects.create(section=section, document=pack.public_doc)
    unrelated = CourseFactory(status=Course.Status.PUBLISHED)

    links = document_course_links(document=pack.public_doc, user=AnonymousUser())
    assert [link.title for link in links] == [pack.course.title]
    assert links[0].url == pack.course.get_absolute_url()
    assert unrelated.title not in [link.title for link in links]
    draft_organiser = draft.organisers.get()
    titles = {
        link.title for link in document_course_links(document=pack.public_doc, user=draft_organiser)
    }
    assert titles == {pack.course.title, draft.title}


# -- Clone ------------------------------------------------------------------------------------


def test_clone_copies_the_reading_pack_with_its_own_materials(media):
    pack = build_pack()
    clone = services.course_clone(course=pack.course, by=pack.organiser, title="2027年培训班")

    assert headings(clone) == ["中央文件", "部门配套文件"]
    copied = [
        (item.section.heading, item.order, item.note, item.document_id, item.material_id)
        for item in ReadingPackItem.objects.filter(section__course=clone)
        .select_related("section")
        .order_by("section__order", "order")
    ]
    assert [row[3] for row in copied if row[3]] == [
        pack.public_doc.pk,
        pack.trainee_doc.pk,
        pack.staff_doc.pk,
    ]
    assert copied[0][2] == "重点学习"
    materials = [row[4] for row in copied if row[4]]
    assert len(materials) == 3
    assert set(Material.objects.filter(pk__in=materials).values_list("course_id", flat=True)) == {
        clone.pk
    }
    assert clone.pack_sections.get(heading="部门配套文件").note == "配套文件，对照学习。"
    # The source's pack is untouched.
    assert ReadingPackItem.objects.filter(section__course=pack.course).count() == 6


def test_writes_on_a_section_or_item_removed_meanwhile_say_so(pack):
    organiser = pack.organiser
    stale_item = pack.central.items.order_by("order").first()
    services.pack_item_remove(item=stale_item, by=organiser)
    for write in (
        lambda: services.pack_item_move(item=stale_item, by=organiser, direction="down"),
        lambda: services.pack_item_update(item=stale_item, by=organiser, note="x"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            write()
        assert code_of(excinfo) == "gone"
    stale_section = pack.departmental
    services.pack_section_delete(section=stale_section, by=organiser)
    for write in (
        lambda: services.pack_item_add(
            section=stale_section, by=organiser, document=PolicyDocumentFactory()
        ),
        lambda: services.pack_section_move(section=stale_section, by=organiser, direction="up"),
        lambda: services.pack_section_update(section=stale_section, by=organiser, heading="新"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            write()
        assert code_of(excinfo) == "gone"
