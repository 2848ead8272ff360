import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from courses import demo
from courses.models import Course, CourseCheckinStaff, Session
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_builds_both_demo_courses_completely_and_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organiser = UserFactory(email=demo.ORGANISER_EMAIL, roles=[Role.ORGANISER])
    assert demo.seed()["courses"] == 2
    assert demo.seed() == {"courses": 0, "pack_items": 0}

    a = Course.objects.get(title=demo.TITLE_A)
    assert a.status == Course.Status.PUBLISHED
    assert a.registration_state == "open"
    assert a.capacity == 520
    assert (a.ends_on - a.starts_on).days == 4
    assert list(a.organisers.all()) == [organiser]
    kinds = list(a.sessions.values_list("kind", flat=True))
    assert kinds.count(Session.Kind.LECTURE) == 10
    assert kinds.count(Session.Kind.OPENING) == 1
    assert kinds.count(Session.Kind.SPEECH) == 2
    assert kinds.count(Session.Kind.QA) == 1
    assert kinds.count(Session.Kind.CLOSING) == 1
    assert {Session.Kind.CLASSROOM, Session.Kind.SELF_STUDY, Session.Kind.SEMINAR} <= set(kinds)
    lectures = a.sessions.filter(kind=Session.Kind.LECTURE)
    assert all(lecture.speakers.count() == 1 for lecture in lectures)
    discussions = a.sessions.filter(kind=Session.Kind.GROUP_DISCUSSION)
    assert discussions.count() == 3
    assert len({(s.starts_at, s.ends_at) for s in discussions}) == 1  # in parallel
    assert len({s.room for s in discussions}) == 3  # in three rooms
    assert a.groups.count() == 3
    assert a.quotas.count() >= 3

    b = Course.objects.get(title=demo.TITLE_B)
    assert b.status == Course.Status.PUBLISHED
    assert (b.starts_on.month, b.starts_on.day, b.ends_on.day) == (11, 10, 11)
    assert b.starts_on > timezone.localdate()
    assert b.city == "北京"
    kinds = list(b.sessions.values_list("kind", flat=True))
    assert kinds[0] == Session.Kind.OPENING and kinds[-1] == Session.Kind.CLOSING
    assert "副巡视员" in str(b.sessions.first().speakers.first())
    assert b.sessions.filter(title__contains="专家辅导").count() >= 3
    assert b.starts_on - timezone.localdate() < datetime.timedelta(days=366)


def test_seed_assigns_the_demo_check_in_staff_to_course_b_only(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organiser = UserFactory(email=demo.ORGANISER_EMAIL, roles=[Role.ORGANISER])
    staff = UserFactory(email=demo.CHECKIN_B_EMAIL)
    demo.seed()
    demo.seed()
    rows = list(CourseCheckinStaff.objects.values_list("course__title", "user", "added_by"))
    assert rows == [(demo.TITLE_B, staff.pk, organiser.pk)]


def test_seed_without_the_demo_organiser_does_nothing():
    assert demo.seed() == {"courses": 0}
    assert not Course.objects.exists()


def test_demo_course_a_has_slides_for_every_lecture(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(email=demo.ORGANISER_EMAIL, roles=[Role.ORGANISER])
    demo.seed()
    course = Course.objects.get(title=demo.TITLE_A)
    slides = course.materials.filter(session__kind=Session.Kind.LECTURE)
    assert slides.count() == 10
    assert course.materials.filter(visibility="public").count() == 1
    assert all(material.file.read(5) == b"%PDF-" for material in course.materials.all())


def test_seed_gives_both_demo_courses_their_reading_packs(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    from courses.models import ReadingPackItem
    from policies import demo as policies_demo
    from policies.models import PolicyDocument

    settings.MEDIA_ROOT = tmp_path
    UserFactory(email="admin@example.cn", roles=[Role.ADMINISTRATOR])
    UserFactory(email=demo.ORGANISER_EMAIL, roles=[Role.ORGANISER])
    with django_capture_on_commit_callbacks(execute=False):
        policies_demo.seed()
    assert demo.seed()["pack_items"] == 9
    assert demo.seed()["pack_items"] == 0

    a = Course.objects.get(title=demo.TITLE_A)
    assert list(a.pack_sections.values_list("heading", flat=True)) == [
        "中央领导同志重要指示批示",
        "中央文件",
        "部门配套文件",
    ]
    items_a = ReadingPackItem.objects.filter(section__course=a)
    assert items_a.filter(document__number="中办发〔2022〕15号").exists()
    assert items_a.filter(material__isnull=False).count() == 2
    # Every published "registered trainees" demo document is linked through a pack, so the
    # library shows it to the registered trainees once enrollment exists.
    for document in PolicyDocument.objects.filter(
        is_published=True, visibility=PolicyDocument.Visibility.TRAINEES
    ):
        assert items_a.filter(document=document).exists(), document.number
    b = Course.objects.get(title=demo.TITLE_B)
    assert ReadingPackItem.objects.filter(
        section__course=b, document__number="发改振兴〔2015〕2103号"
    ).exists()


def test_course_b_is_the_real_pilot_course_and_names_its_document_as_the_library_does(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    """Course B of the domain notes: the NDRC's revitalisation department's course on the
    dual-track pilot, named with its notice exactly as the library and the reading pack do."""
    from accounts import demo as accounts_demo
    from courses.models import ReadingPackItem
    from policies import demo as policies_demo
    from policies.models import PolicyDocument

    settings.MEDIA_ROOT = tmp_path
    accounts_demo.seed()
    with django_capture_on_commit_callbacks(execute=False):
        policies_demo.seed()
    demo.seed()
    b = Course.objects.get(title="老工业基地产业转型技术技能人才双元培育改革试点工作培训班")
    document = PolicyDocument.objects.get(number="发改振兴〔2015〕2103号")
    assert document.title == "关于印发《老工业基地产业转型技术技能人才双元培育改革试点方案》的通知"
    cited = "《关于印发〈老工业基地产业转型技术技能人才双元培育改革试点方案〉的通知》"
    assert cited in b.description and "发改振兴〔2015〕2103号" in b.description
    assert "国家发展改革委振兴司" in b.description
    assert list(b.host_organisations.values_list("name", flat=True)) == ["国家发展和改革委员会"]
    assert ReadingPackItem.objects.filter(section__course=b, document=document).exists()
    # Nothing of the invented course is left.
    texts = [b.title, b.summary, b.description, *b.sessions.values_list("title", flat=True)]
    assert not any("校企双制" in text or "产教融合" in text for text in texts)
