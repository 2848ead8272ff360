import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import Organisation
from accounts.roles import Role
from courses import selectors
from courses.models import Course
from enrollment.selectors import course_seats_left, course_seats_taken
from tests.factories.accounts import UserFactory, region
from tests.factories.courses import CourseFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db


def titles(queryset) -> list[str]:
    return [course.title for course in queryset]


@pytest.fixture
def courses():
    organiser = UserFactory(roles=[Role.ORGANISER])
    return {
        status: CourseFactory(title=f"{status}培训班", status=status, organisers=[organiser])
        for status in Course.Status.values
    } | {"organiser": organiser}


def test_drafts_are_visible_only_to_their_organisers_and_administrators(courses):
    draft = courses["draft"]
    assert draft not in selectors.course_list_visible_to(AnonymousUser())
    assert draft not in selectors.course_list_visible_to(UserFactory())
    assert draft not in selectors.course_list_visible_to(UserFactory(roles=[Role.ORGANISER]))
    assert draft in selectors.course_list_visible_to(courses["organiser"])
    assert draft in selectors.course_list_visible_to(UserFactory(roles=[Role.ADMINISTRATOR]))


def test_cancelled_courses_keep_their_page_but_leave_the_catalogue(courses):
    cancelled = courses["cancelled"]
    assert cancelled in selectors.course_list_visible_to(AnonymousUser())
    assert titles(selectors.course_catalogue()) == ["published培训班"]


def test_editable_courses(courses):
    organiser = courses["organiser"]
    assert selectors.course_list_editable_by(organiser).count() == 4
    assert not selectors.course_list_editable_by(UserFactory(roles=[Role.ORGANISER])).exists()
    assert not selectors.course_list_editable_by(UserFactory()).exists()
    assert not selectors.course_list_editable_by(AnonymousUser()).exists()
    assert selectors.course_list_editable_by(UserFactory(roles=[Role.ADMINISTRATOR])).count() == 4


def test_catalogue_puts_upcoming_courses_first_soonest_first_then_past_ones():
    today = timezone.localdate()

    def course(title, offset):
        start = today + datetime.timedelta(days=offset)
        return CourseFactory(
            title=title,
            status=Course.Status.PUBLISHED,
            starts_on=start,
            ends_on=start,
            registration_opens_at=timezone.now() - datetime.timedelta(days=400),
            registration_closes_at=timezone.now() - datetime.timedelta(days=399),
        )

    course("long ago", -300)
    course("later", 60)
    course("recently", -10)
    course("soon", 5)
    assert titles(selectors.course_catalogue()) == ["soon", "later", "recently", "long ago"]


@pytest.mark.parametrize(
    "term", ["高技能", "技能人才", "政策培训", "Document No. 15", "document no"]
)
def test_catalogue_search_finds_chinese_and_english_substrings(term):
    CourseFactory(
        title="全国高技能人才政策培训班",
        summary="解读 Document No. 15",
        status=Course.Status.PUBLISHED,
    )
    CourseFactory(
        title="产教融合校企双制试点工作培训班", summary="", status=Course.Status.PUBLISHED
    )
    assert titles(selectors.course_catalogue(selectors.CatalogueFilters(q=term))) == [
        "全国高技能人才政策培训班"
    ]


def test_catalogue_search_covers_the_description():
    CourseFactory(title="甲", description="本期重点：校企双制", status=Course.Status.PUBLISHED)
    assert titles(selectors.course_catalogue(selectors.CatalogueFilters(q="校企双制"))) == ["甲"]


@pytest.mark.parametrize("term", ["双元", "德国双元制", "冯德明", "北京会议中心", "GIZ"])
def test_catalogue_search_covers_the_timetable_speakers_and_venue(term):
    from tests.factories.courses import SpeakerFactory

    course = CourseFactory(title="乙", venue="北京会议中心", status=Course.Status.PUBLISHED)
    speaker = SpeakerFactory(name="冯德明", organisation="德国国际合作机构（GIZ）北京代表处")
    SessionFactory(course=course, title="专家辅导：德国双元制经验借鉴", speakers=[speaker])
    CourseFactory(title="丙", status=Course.Status.PUBLISHED)
    assert titles(selectors.course_catalogue(selectors.CatalogueFilters(q=term))) == ["乙"]


def test_catalogue_filters():
    today = timezone.localdate()
    december = datetime.date(today.year + 1, 12, 1)
    open_course = CourseFactory(
        title="open",
        status=Course.Status.PUBLISHED,
        category=Course.Category.PILOT,
        region=region("44"),
        eligible_organisation_types=[Organisation.Type.TECHNICAL_SCHOOL],
    )
    closed_course = CourseFactory(
        title="closed",
        status=Course.Status.PUBLISHED,
        starts_on=december + datetime.timedelta(days=3),
        ends_on=december + datetime.timedelta(days=4),
        registration_opens_at=timezone.now() + datetime.timedelta(days=1),
    )

    def find(**filters):
        return titles(selectors.course_catalogue(selectors.CatalogueFilters(**filters)))

    assert find(category=Course.Category.PILOT) == ["open"]
    assert find(region_id=region("44").pk) == ["open"]
    assert find(open_only=True) == ["open"]
    assert find(month=december) == ["closed"]
    assert find(organisation_type=Organisation.Type.TECHNICAL_SCHOOL) == ["open", "closed"]
    assert find(organisation_type=Organisation.Type.ENTERPRISE) == ["closed"]
    assert open_course.registration_state == "open"
    assert closed_course.registration_state == "not_open"


def test_seats_taken_come_from_enrollment():
    course = CourseFactory(capacity=10)
    assert course_seats_taken(course) == 0
    assert course_seats_left(course, 0) == 10

    RegistrationFactory.create_batch(10, course=course)
    assert course_seats_taken(course) == 10
    assert course_seats_left(course, course_seats_taken(course)) == 0


def test_timetable_groups_sessions_by_local_day():
    course = CourseFactory()
    first = course.starts_on
    # 00:30 Beijing time is the previous day in UTC; it still belongs to the first day.
    early = SessionFactory(
        course=course,
        starts_at=timezone.make_aware(
            datetime.datetime.combine(first, datetime.time(0, 30)), course.tz
        ),
    )
    second = SessionFactory(
        course=course,
        starts_at=timezone.make_aware(
            datetime.datetime.combine(first + datetime.timedelta(days=1), datetime.time(9)),
            course.tz,
        ),
    )
    days = selectors.timetable_by_day(course, selectors.session_list_for_course(course))
    assert [(day.date, day.sessions) for day in days] == [
        (first, [early]),
        (first + datetime.timedelta(days=1), [second]),
    ]


def test_catalogue_search_uses_the_trigram_indexes_on_a_large_catalogue():
    from django.db import connection

    start = timezone.localdate()
    Course.objects.bulk_create(
        Course(
            title=f"第{n}期职业培训班",
            summary="年度培训",
            description="培训内容与安排",
            status=Course.Status.PUBLISHED,
            starts_on=start,
            ends_on=start,
        )
        for n in range(5000)
    )
    CourseFactory(title="全国高技能人才政策培训班", status=Course.Status.PUBLISHED)
    with connection.cursor() as cursor:
        # Rows inserted in this transaction sit in the GIN pending lists; VACUUM would merge them.
        for index in ("course_title_trgm", "course_summary_trgm", "course_description_trgm"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE courses_course")
    queryset = selectors.course_catalogue(selectors.CatalogueFilters(q="高技能"))
    plan = queryset.explain()
    assert "course_title_trgm" in plan
    assert "course_description_trgm" in plan
    assert titles(queryset) == ["全国高技能人才政策培训班"]
