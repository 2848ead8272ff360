"""`Idempotency-Key` on API writes: the same key and body get the first answer and change
nothing twice; another body under the same key is refused."""

import pytest

from audit.models import AuditEvent
from courses.models import Course
from enrollment.models import Registration
from tests.api.conftest import bearer, make_token
from tests.enrollment.conftest import trainee_from
from tests.factories.courses import CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def course_open(**fields) -> Course:
    course = CourseFactory(status=Course.Status.PUBLISHED, **fields)
    SessionFactory(course=course)
    return course


def register(api, course, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(
        "/api/v1/registrations/",
        {"course": course.pk, **extra},
        content_type="application/json",
        **headers,
    )


def test_the_same_key_and_body_get_the_first_answer_and_register_once():
    course = course_open()
    trainee = trainee_from("11")
    api = bearer(make_token(trainee))
    first = register(api, course, key="order-1")
    again = register(api, course, key="order-1")
    assert first.status_code == 201
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Registration.objects.filter(trainee=trainee).count() == 1
    # The replay changed nothing, so the audit log has one change.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_WRITE).count() == 1


def test_without_a_key_a_second_request_is_a_second_request():
    course = course_open()
    api = bearer(make_token(trainee_from("11")))
    assert register(api, course).status_code == 201
    second = register(api, course)
    assert (second.status_code, second.json()["code"]) == (400, "already_registered")


def test_the_same_key_with_another_body_is_refused():
    first_course, other_course = course_open(), course_open()
    api = bearer(make_token(trainee_from("11")))
    assert register(api, first_course, key="k-7").status_code == 201
    reused = register(api, other_course, key="k-7")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert not Registration.objects.filter(course=other_course).exists()


def test_a_refusal_is_replayed_too_and_keys_are_per_user():
    course = course_open()
    trainee = trainee_from("11")
    api = bearer(make_token(trainee))
    assert register(api, course).status_code == 201
    refused = register(api, course, key="again")
    assert refused.status_code == 400
    assert register(api, course, key="again").json() == refused.json()
    someone_else = bearer(make_token(trainee_from("44")))
    assert register(someone_else, course, key="again").status_code == 201


def test_a_cancellation_with_a_key_is_answered_the_same_twice():
    course = course_open()
    api = bearer(make_token(trainee_from("11")))
    registration_id = register(api, course).json()["id"]
    url = f"/api/v1/registrations/{registration_id}/cancel/"
    first = api.post(
        url, {"reason": "ill"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c1"
    )
    again = api.post(
        url, {"reason": "ill"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c1"
    )
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()


def test_a_key_longer_than_200_characters_is_refused():
    api = bearer(make_token(trainee_from("11")))
    response = register(api, course_open(), key="x" * 201)
    assert (response.status_code, response.json()["code"]) == (400, "invalid")


def test_answers_are_forgotten_after_a_day():
    import datetime

    from django.utils import timezone

    from api.idempotency import idempotency_cleanup
    from api.models import IdempotencyRecord

    course = course_open()
    api = bearer(make_token(trainee_from("11")))
    register(api, course, key="old")
    assert idempotency_cleanup() == 0
    later = timezone.now() + datetime.timedelta(hours=25)
    assert idempotency_cleanup(now=later) == 1
    assert not IdempotencyRecord.objects.exists()
