"""Seats reserved per organisation type and per region-and-type pair, beside regional quotas:
each trainee counts against the most specific quota that matches them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Organisation
from courses.quotas import QuotaKey
from enrollment import services
from tests.enrollment.conftest import set_quotas, trainee_from
from tests.enrollment.test_concurrency import assert_invariants
from tests.factories.accounts import region

CITY = Organisation.Type.CITY_BUREAU
SCHOOL = Organisation.Type.TECHNICAL_SCHOOL
PROVINCE = Organisation.Type.PROVINCIAL_DEPARTMENT


def register(course, trainee):
    return services.registration_create(course_id=course.pk, trainee=trainee)


def with_capacity(course, capacity):
    course.capacity = capacity
    course.save()
    return course


def test_a_type_quota_reserves_seats_for_that_type_and_caps_it(open_course):
    course = with_capacity(open_course, 3)
    set_quotas(course, {(None, SCHOOL): 2})
    assert register(course, trainee_from("11", PROVINCE)).status == "confirmed"
    # The one open seat is taken: another provincial department waits, a school does not.
    assert register(course, trainee_from("12", PROVINCE)).status == "waitlisted"
    assert register(course, trainee_from("13", SCHOOL)).status == "confirmed"
    assert register(course, trainee_from("14", SCHOOL)).status == "confirmed"
    assert register(course, trainee_from("15", SCHOOL)).status == "waitlisted"
    assert_invariants(course)


def test_a_pair_quota_beats_the_region_and_the_type_quota(open_course):
    course = with_capacity(open_course, 10)
    set_quotas(course, {("44", CITY): 1, "44": 1, (None, CITY): 1})
    assert register(course, trainee_from("44", CITY)).status == "confirmed"  # the pair
    assert register(course, trainee_from("44", SCHOOL)).status == "confirmed"  # the region
    assert register(course, trainee_from("11", CITY)).status == "confirmed"  # the type
    # Each of the three is full now; the pair's second trainee waits although region and
    # type quotas match them too, and the open seats are not theirs either.
    assert register(course, trainee_from("44", CITY, full_name="二号")).status == "waitlisted"
    assert register(course, trainee_from("44", SCHOOL, full_name="二号")).status == "waitlisted"
    assert register(course, trainee_from("12", CITY)).status == "waitlisted"
    assert register(course, trainee_from("12", PROVINCE)).status == "confirmed"  # open seats
    assert_invariants(course)


def test_raising_a_type_quota_promotes_that_type_in_order(open_course):
    course = with_capacity(open_course, 10)
    organiser = course.organisers.first()
    set_quotas(course, {(None, SCHOOL): 1})
    register(course, trainee_from("11", SCHOOL))
    first = register(course, trainee_from("12", SCHOOL))
    second = register(course, trainee_from("13", SCHOOL))
    assert first.status == second.status == "waitlisted"
    services.quota_set(course=course, by=organiser, seats={QuotaKey(None, SCHOOL): 2})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "waitlisted")


def test_a_type_quota_is_never_set_below_its_held_seats(open_course):
    course = with_capacity(open_course, 10)
    organiser = course.organisers.first()
    set_quotas(course, {(None, CITY): 3})
    register(course, trainee_from("11", CITY))
    register(course, trainee_from("12", CITY))
    with pytest.raises(ValidationError) as exc:
        services.quota_set(course=course, by=organiser, seats={QuotaKey(None, CITY): 1})
    assert exc.value.error_list[0].code == "quota_below_taken"
    # A pair quota takes its trainee away from the type quota, so the type may then drop.
    services.quota_set(
        course=course,
        by=organiser,
        seats={QuotaKey(None, CITY): 1, QuotaKey(region("11").pk, CITY): 1},
    )
    assert_invariants(course)


def test_capacity_cannot_drop_below_the_type_quotas(open_course):
    course = with_capacity(open_course, 10)
    set_quotas(course, {(None, CITY): 6})
    with pytest.raises(ValidationError) as exc:
        services.course_update(course=course, by=course.organisers.first(), data={"capacity": 5})
    assert exc.value.error_dict["capacity"][0].code == "quota_exceeds_capacity"


def test_statistics_show_taken_and_reserved_per_quota(
    client, open_course, django_assert_max_num_queries
):
    course = with_capacity(open_course, 10)
    set_quotas(course, {(None, CITY): 1, ("44", SCHOOL): 2})
    register(course, trainee_from("11", CITY))
    register(course, trainee_from("12", CITY))  # waits for the city bureaus' quota
    register(course, trainee_from("44", SCHOOL))
    client.force_login(course.organisers.first())
    with django_assert_max_num_queries(16):
        response = client.get(reverse("enrollment:course-statistics", args=[course.pk]))
    rows = {
        row.label: (row.held, row.seats, row.waiting) for row in response.context["stats"].by_quota
    }
    assert rows == {"地市局": (1, 1, 1), "广东省 · 技工院校": (1, 2, 0)}
    assert "1 / 2 (50%)" in response.content.decode()
