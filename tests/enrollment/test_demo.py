import pytest

from accounts import demo as accounts_demo
from courses import demo as courses_demo
from courses.models import Course
from enrollment import demo
from enrollment.models import Registration
from enrollment.services.common import seat_state

pytestmark = pytest.mark.django_db


def test_demo_registrations_respect_the_seat_rules_and_are_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    accounts_demo.seed()
    courses_demo.seed()
    created = demo.seed()["registrations"]
    assert created > 530
    assert demo.seed() == {"registrations": 0}

    a = Course.objects.get(title=courses_demo.TITLE_A)
    registrations = Registration.objects.filter(course=a)
    assert registrations.count() >= 500
    assert registrations.values("region").distinct().count() == 30
    seats = seat_state(a)
    # Seats shared out by organisation type as well as by province, as the course A did.
    type_quotas = {key.organisation_type for key in seats.quotas if key.region_id is None}
    assert {"city_bureau", "industry_body", "enterprise", "technical_school"} <= type_quotas
    assert sum(1 for key in seats.quotas if key.region_id and not key.organisation_type) == 5
    assert seats.total <= a.capacity
    assert all(seats.held_in(key) <= quota for key, quota in seats.quotas.items())
    assert seats.held_in_pool() <= seats.pool
    waiting = registrations.filter(status="waitlisted")
    assert 10 <= waiting.count() <= 20
    for group in waiting.values_list("region_id", "organisation_type"):
        assert not seats.has_seat(group)
    assert registrations.filter(status="pending").exists()
    assert registrations.filter(status="cancelled").exists()
    days = {r.created_at.date() for r in registrations}
    assert len(days) >= 5
    mine = registrations.get(trainee__email="trainee@example.cn")
    assert mine.status == "confirmed"
    grouped = registrations.filter(status="confirmed", discussion_group__isnull=False)
    assert grouped.count() == registrations.filter(status="confirmed").count()
    assert grouped.values("discussion_group").distinct().count() == 3

    b = Course.objects.get(title=courses_demo.TITLE_B)
    assert 20 <= b.registrations.count() <= 60
