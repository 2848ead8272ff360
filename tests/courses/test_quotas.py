"""Quotas per region, per organisation type and per pair: the rule, the service, the page,
and the migration that turned regional quotas into these."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.models import Organisation
from accounts.roles import Role
from courses.models import Course, Quota
from courses.quotas import QuotaKey, held_by_quota, quota_for
from enrollment import services
from tests.factories.accounts import UserFactory, region
from tests.factories.courses import CourseFactory

CITY = Organisation.Type.CITY_BUREAU
SCHOOL = Organisation.Type.TECHNICAL_SCHOOL


def test_a_trainee_counts_against_the_most_specific_matching_quota():
    quotas = {QuotaKey(44, CITY), QuotaKey(44), QuotaKey(None, CITY), QuotaKey(None, SCHOOL)}
    assert quota_for(quotas, (44, CITY)) == QuotaKey(44, CITY)
    assert quota_for(quotas, (44, SCHOOL)) == QuotaKey(44)  # region before type
    assert quota_for(quotas, (11, CITY)) == QuotaKey(None, CITY)
    assert quota_for(quotas, (11, "enterprise")) is None  # the open seats
    held = {(44, CITY): 2, (44, SCHOOL): 1, (11, CITY): 3, (11, "enterprise"): 4}
    assert held_by_quota(held, quotas) == {
        QuotaKey(44, CITY): 2,
        QuotaKey(44): 1,
        QuotaKey(None, CITY): 3,
        None: 4,
    }


@pytest.fixture
def organiser(db):
    return UserFactory(roles=[Role.ORGANISER])


@pytest.fixture
def course(organiser):
    return CourseFactory(organisers=[organiser], capacity=100)


def test_quota_set_keeps_region_type_and_pair_quotas_and_replaces_them(course, organiser):
    guangdong = region("44").pk
    services.quota_set(
        course=course,
        by=organiser,
        seats={QuotaKey(guangdong): 10, QuotaKey(None, CITY): 30, QuotaKey(guangdong, CITY): 5},
    )
    assert {q.key: q.seats for q in course.quotas.all()} == {
        QuotaKey(guangdong): 10,
        QuotaKey(None, CITY): 30,
        QuotaKey(guangdong, CITY): 5,
    }
    services.quota_set(
        course=course, by=organiser, seats={QuotaKey(None, CITY): 0, QuotaKey(None, SCHOOL): 40}
    )
    assert {q.key: q.seats for q in course.quotas.all()} == {QuotaKey(None, SCHOOL): 40}


@pytest.mark.parametrize(
    ("seats", "code"),
    [
        ({QuotaKey(None, "spaceship"): 3}, "quota_group"),
        ({QuotaKey(): 3}, "quota_group"),
        ({QuotaKey(None, CITY): 60, QuotaKey(None, SCHOOL): 41}, "quota_exceeds_capacity"),
        ({QuotaKey(None, CITY): -1}, "quota_negative"),
    ],
)
def test_quota_set_refuses_what_cannot_be_a_quota(course, organiser, seats, code):
    with pytest.raises(ValidationError) as caught:
        services.quota_set(course=course, by=organiser, seats=seats)
    assert caught.value.error_list[0].code == code
    assert not course.quotas.exists()


def test_the_database_refuses_a_quota_for_nobody_and_a_duplicate_type(course):
    Quota.objects.create(course=course, organisation_type=CITY, seats=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.create(course=course, organisation_type=CITY, seats=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.create(course=course, seats=2)


def test_the_quota_page_saves_type_and_pair_quotas(client, course, organiser):
    course.status = Course.Status.PUBLISHED
    course.save()
    client.force_login(organiser)
    url = reverse("courses:quota-update", args=[course.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="type_{CITY}"' in page.content.decode()
    guangdong = region("44").pk
    response = client.post(
        url,
        {
            f"type_{SCHOOL}": "20",
            f"region_{guangdong}": "8",
            "pair_0_region": str(guangdong),
            "pair_0_type": CITY,
            "pair_0_seats": "3",
        },
    )
    assert response.status_code == 302
    assert {q.key: q.seats for q in course.quotas.all()} == {
        QuotaKey(None, SCHOOL): 20,
        QuotaKey(guangdong): 8,
        QuotaKey(guangdong, CITY): 3,
    }
    body = client.get(url).content.decode()
    assert 'name="pair_0_seats"' in body and 'name="pair_3_seats"' in body  # one kept + three new


def test_the_quota_page_asks_for_both_halves_of_a_pair(client, course, organiser):
    client.force_login(organiser)
    url = reverse("courses:quota-update", args=[course.pk])
    response = client.post(url, {"pair_0_type": CITY, "pair_0_seats": "3"})
    assert response.status_code == 400
    assert response.context["form"].errors["pair_0_seats"]
    assert not course.quotas.exists()


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_regional_quotas_forward_and_back():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        _migrate_there_and_back()
    finally:
        MigrationExecutor(connection).migrate(latest)


def _migrate_there_and_back() -> None:
    before = [("courses", "0008_course_checkin_staff")]
    after = [("courses", "0009_quota_per_region_and_organisation_type")]
    course = CourseFactory(capacity=50)  # the course table is the same before and after
    region_id = region("44").pk
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    old.get_model("courses", "RegionalQuota").objects.create(
        course_id=course.pk, region_id=region_id, seats=12
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    kept = new.get_model("courses", "Quota").objects.get(course_id=course.pk)
    assert (kept.region_id, kept.organisation_type, kept.seats) == (region_id, "", 12)
    organisers = new.get_model("auth", "Group").objects.get(name="organiser")
    assert organisers.permissions.filter(codename="change_quota").exists()

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    back = executor.loader.project_state(before).apps
    assert back.get_model("courses", "RegionalQuota").objects.get(course_id=course.pk).seats == 12
    assert back.get_model("auth", "Permission").objects.filter(codename="add_regionalquota")


def test_the_quota_page_reads_in_constant_queries(
    client, course, organiser, django_assert_max_num_queries
):
    for code in ("44", "33", "11"):
        Quota.objects.create(course=course, region=region(code), organisation_type=CITY, seats=1)
        Quota.objects.create(course=course, region=region(code), seats=2)
    client.force_login(organiser)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("courses:quota-update", args=[course.pk])).status_code == 200
