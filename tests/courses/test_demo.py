import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from courses import demo
from courses.models import Course, Session
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
