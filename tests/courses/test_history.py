"""A course's change history: publication, cancellation, capacity and quota changes are in the
audit log, written with the change, and the organisers read them on the course's pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Organisation
from accounts.roles import Role
from audit.models import AuditEvent
from courses import services
from courses.models import Course
from courses.quotas import QuotaKey
from enrollment import services as enrollment_services
from tests.factories.accounts import UserFactory, region
from tests.factories.courses import CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db
CITY = Organisation.Type.CITY_BUREAU


@pytest.fixture
def organiser():
    return UserFactory(roles=[Role.ORGANISER], full_name="王主办")


@pytest.fixture
def course(organiser):
    course = CourseFactory(organisers=[organiser], capacity=100)
    SessionFactory(course=course)
    return course


def events(course, action):
    return AuditEvent.objects.filter(
        target_type="courses.course", target_id=str(course.pk), action=action
    )


def test_publishing_is_recorded_with_who(course, organiser):
    services.course_publish(course=course, by=organiser)
    event = events(course, AuditEvent.Action.COURSE_PUBLISHED).get()
    assert event.actor == organiser


def test_a_refused_publication_records_nothing(course, organiser):
    services.course_publish(course=course, by=organiser)
    with pytest.raises(ValidationError):
        services.course_publish(course=course, by=organiser)
    assert events(course, AuditEvent.Action.COURSE_PUBLISHED).count() == 1


def test_cancelling_is_recorded_with_the_reason(course, organiser):
    services.course_publish(course=course, by=organiser)
    enrollment_services.course_cancel(course=course, by=organiser, reason="场地维修")
    assert events(course, AuditEvent.Action.COURSE_CANCELLED).get().details == {
        "reason": "场地维修"
    }


def test_capacity_changes_are_recorded_old_to_new(course, organiser):
    enrollment_services.course_update(course=course, by=organiser, data={"capacity": 120})
    enrollment_services.course_update(course=course, by=organiser, data={"venue": "报告厅"})
    event = events(course, AuditEvent.Action.CAPACITY_CHANGED).get()
    assert event.details == {"old": 100, "new": 120}


def test_a_refused_capacity_change_records_nothing(course, organiser):
    course.quotas.create(organisation_type=CITY, seats=50)
    with pytest.raises(ValidationError):
        enrollment_services.course_update(course=course, by=organiser, data={"capacity": 40})
    assert not events(course, AuditEvent.Action.CAPACITY_CHANGED).exists()


def test_quota_changes_are_recorded_added_changed_removed(course, organiser):
    guangdong = region("44").pk
    enrollment_services.quota_set(
        course=course, by=organiser, seats={QuotaKey(guangdong): 10, QuotaKey(None, CITY): 20}
    )
    enrollment_services.quota_set(
        course=course, by=organiser, seats={QuotaKey(guangdong): 12, QuotaKey(None, CITY): 0}
    )
    changes = [
        (
            e.action,
            e.details["region_id"],
            e.details["organisation_type"],
            e.details["old"],
            e.details["new"],
        )
        for e in AuditEvent.objects.filter(target_id=str(course.pk)).order_by("pk")
    ]
    assert changes == [
        ("quota.added", guangdong, "", None, 10),
        ("quota.added", None, CITY, None, 20),
        ("quota.changed", guangdong, "", 10, 12),
        ("quota.removed", None, CITY, 20, None),
    ]


def test_organisers_read_the_history_newest_first(client, course, organiser):
    services.course_publish(course=course, by=organiser)
    enrollment_services.course_update(course=course, by=organiser, data={"capacity": 120})
    enrollment_services.quota_set(course=course, by=organiser, seats={QuotaKey(None, CITY): 30})
    client.force_login(organiser)
    response = client.get(reverse("courses:course-history", args=[course.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    rows = ("新增名额分配", "修改总名额", "培训班已发布")
    added, capacity, published = (body.index(text) for text in rows)
    assert added < capacity < published
    assert "地市局：0 → 30个名额" in body and "100 → 120个名额" in body and "王主办" in body
    organiser.preferred_language = "en"
    organiser.save(update_fields=["preferred_language"])
    english = client.get(reverse("courses:course-history", args=[course.pk])).content.decode()
    assert "Quota added" in english and "City bureau: 0 → 30 seats" in english


def test_the_history_page_reads_in_constant_queries(
    client, course, organiser, django_assert_max_num_queries
):
    for seats in (10, 20, 30, 40):
        enrollment_services.quota_set(
            course=course, by=organiser, seats={QuotaKey(region("44").pk, CITY): seats}
        )
    client.force_login(organiser)
    with django_assert_max_num_queries(12):
        client.get(reverse("courses:course-history", args=[course.pk]))


def test_administrators_find_course_changes_in_the_audit_log(client, course, organiser):
    services.course_publish(course=course, by=organiser)
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    response = client.get(
        reverse("admin:audit_auditevent_changelist"), {"action": "course.published"}
    )
    assert course.title in response.content.decode()
    assert Course.objects.get(pk=course.pk).status == Course.Status.PUBLISHED
