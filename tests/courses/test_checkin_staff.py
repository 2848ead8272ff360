"""Organisers assign check-in staff to their course: by e-mail or mobile, listed, removed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import Role
from audit.models import AuditEvent
from courses.models import Course, CourseCheckinStaff
from courses.services import checkin_staff_assign, checkin_staff_unassign
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return UserFactory(roles=[Role.ORGANISER])


@pytest.fixture
def course(organiser):
    return CourseFactory(organisers=[organiser], status=Course.Status.PUBLISHED)


def test_assign_by_email_or_mobile_and_unassign_are_audited(course, organiser):
    by_email = UserFactory(email="Staff@Example.cn")
    by_mobile = UserFactory(phone="13912345678")
    assert checkin_staff_assign(course=course, by=organiser, identifier=" staff@example.cn ") == (
        by_email
    )
    assert checkin_staff_assign(course=course, by=organiser, identifier="139 1234 5678") == (
        by_mobile
    )
    row = CourseCheckinStaff.objects.get(course=course, user=by_email)
    assert row.added_by == organiser and row.added_at is not None
    checkin_staff_unassign(course=course, by=organiser, user=by_email)
    assert list(CourseCheckinStaff.objects.values_list("user", flat=True)) == [by_mobile.pk]
    actions = list(
        AuditEvent.objects.filter(target_id=str(course.pk))
        .order_by("pk")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("checkin_staff.assigned", organiser.pk),
        ("checkin_staff.assigned", organiser.pk),
        ("checkin_staff.unassigned", organiser.pk),
    ]


@pytest.mark.parametrize(
    ("identifier", "code"),
    [
        ("nobody@example.cn", "user_not_found"),
        ("13000000000", "user_not_found"),
        ("", "user_not_found"),
        ("13811112222", "ambiguous"),
        ("already@example.cn", "already"),
        ("inactive@example.cn", "user_not_found"),
    ],
)
def test_assign_refusals(course, organiser, identifier, code):
    UserFactory(phone="13811112222")
    UserFactory(phone="13811112222")
    UserFactory(email="inactive@example.cn", is_active=False)
    already = UserFactory(email="already@example.cn")
    CourseCheckinStaff.objects.create(course=course, user=already)
    with pytest.raises(ValidationError) as refused:
        checkin_staff_assign(course=course, by=organiser, identifier=identifier)
    assert refused.value.code == code
    assert CourseCheckinStaff.objects.count() == 1


def test_only_the_courses_organisers_assign_and_unassign(course):
    staff = UserFactory()
    other_organiser = UserFactory(roles=[Role.ORGANISER])
    with pytest.raises(PermissionDenied):
        checkin_staff_assign(course=course, by=other_organiser, identifier=staff.email)
    CourseCheckinStaff.objects.create(course=course, user=staff)
    with pytest.raises(PermissionDenied):
        checkin_staff_unassign(course=course, by=other_organiser, user=staff)
    assert CourseCheckinStaff.objects.filter(user=staff).exists()


def test_organiser_adds_lists_and_removes_check_in_staff_on_the_page(
    client, course, organiser, django_assert_max_num_queries
):
    staff = UserFactory(full_name="王签到", phone="13700001111")
    client.force_login(organiser)
    url = reverse("courses:checkinstaff-list", args=[course.pk])
    manage = client.get(reverse("courses:course-manage", args=[course.pk]))
    assert url in manage.content.decode()

    response = client.post(url, {"identifier": "13700001111"}, follow=True)
    assert response.redirect_chain[-1][0] == url
    page = response.content.decode()
    assert "王签到" in page and staff.email in page
    assert CourseCheckinStaff.objects.filter(course=course, user=staff).exists()

    refused = client.post(url, {"identifier": "13700001111"})
    assert refused.status_code == 400
    assert refused.context["form"].errors.as_data()["identifier"][0].code == "already"

    for _more in range(3):
        CourseCheckinStaff.objects.create(course=course, user=UserFactory())
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200

    remove = reverse("courses:checkinstaff-remove", args=[course.pk, staff.pk])
    assert client.post(remove).status_code == 302
    assert not CourseCheckinStaff.objects.filter(course=course, user=staff).exists()
    # Someone who is not this course's check-in staff: nothing to remove here.
    assert client.post(remove).status_code == 404


def test_the_page_in_chinese(client, course, organiser):
    organiser.preferred_language = "zh-hans"
    organiser.save(update_fields=["preferred_language"])
    client.force_login(organiser)
    page = client.get(reverse("courses:checkinstaff-list", args=[course.pk])).content.decode()
    assert "签到工作人员" in page
    assert "暂无签到工作人员。" in page
