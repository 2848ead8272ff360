"""Registering through the API under a rush holds the web rush's invariants: nobody oversold,
quotas held, one row and one notice per request (tests/enrollment/test_concurrency.py)."""

from collections import Counter

import pytest
from django.test import Client

from enrollment.models import Registration
from notifications.models import OutgoingMail
from tests.api.conftest import make_token
from tests.enrollment.test_concurrency import (
    assert_invariants,
    patient_course_lock,  # noqa: F401 - the same patient lock as the web rush
    published_course,
    run_together,
    trainees,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_sixteen_api_callers_for_five_seats_with_a_quota_never_overbook():
    course = published_course(5, {"44": 2})
    people = trainees(["44"] * 8 + ["11", "32", "33", "51"] * 2)
    secrets = [make_token(person) for person in people]

    def register(secret):
        def call():
            response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
                "/api/v1/registrations/", {"course": course.pk}, content_type="application/json"
            )
            return response.json().get("status") or response.json().get("code")

        return call

    outcomes = run_together([register(secret) for secret in secrets])

    assert Counter(outcomes) == {"confirmed": 5, "waitlisted": 11}, outcomes
    assert Registration.objects.filter(course=course).count() == 16
    held_in_44 = Registration.objects.filter(
        course=course, status="confirmed", region__code="44"
    ).count()
    assert held_in_44 == 2
    assert_invariants(course)
    keys = OutgoingMail.objects.filter(key__startswith="registration:").values_list(
        "key", flat=True
    )
    assert len(keys) == 16 == len(set(keys))
