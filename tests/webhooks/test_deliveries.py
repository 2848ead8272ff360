"""Webhook deliveries to a real receiver on loopback: signed, retried after a 500, given up
after a 410, paused after a day of failures, in order per resource; addresses inside the
network refused when they are not allowed."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.roles import Role
from courses.models import Course
from courses.services.course import course_publish
from enrollment.services.approval import registration_approve
from enrollment.services.registration import registration_cancel, registration_create
from notifications.models import OutgoingMail
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory
from webhooks.models import Event, WebhookDelivery, WebhookSubscription
from webhooks.services import (
    webhook_deliver_many,
    webhook_delivery_send_again,
    webhook_subscription_create,
    webhook_subscription_resume,
)

pytestmark = pytest.mark.django_db

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


@pytest.fixture
def allow_private(settings):
    settings.PORTAL_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def organiser():
    return UserFactory(roles=[Role.ORGANISER])


@pytest.fixture
def course(organiser):
    return CourseFactory(status=Course.Status.PUBLISHED, organisers=[organiser])


def subscribe(owner, receiver, events=None, host="127.0.0.1") -> WebhookSubscription:
    subscription = webhook_subscription_create(
        owner=owner,
        name="HR system",
        url=receiver.url(host),
        events=events or list(Event.values),
    )
    receiver.secret = subscription.secret
    return subscription


def send_due() -> None:
    """What the worker does: send every due delivery, oldest first."""
    webhook_deliver_many(
        delivery_ids=list(
            WebhookDelivery.objects.filter(status="pending").values_list("pk", flat=True)
        )
    )


def make_due(delivery: WebhookDelivery) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def guide_verify():
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    (snippet,) = [block for block in blocks if "def verify(" in block]
    namespace: dict = {}
    exec(compile(snippet, "docs/api.md", "exec"), namespace)
    return namespace["verify"]


def test_a_registration_reaches_the_organisers_receiver_signed(
    allow_private, receiver, organiser, course
):
    subscription = subscribe(organiser, receiver)
    registration = registration_create(course_id=course.pk, trainee=UserFactory())
    send_due()
    (request,) = receiver.requests
    assert request["signed"]
    assert request["path"] == "/hooks?from=portal"
    assert request["headers"]["X-Portal-Event"] == "registration.created"
    event = request["event"]
    assert event["type"] == "registration.created"
    assert event["resource"] == "registration"
    assert event["data"]["id"] == registration.pk
    assert event["data"]["status"] == registration.status
    assert "*" in event["data"]["phone"]  # masked, as for a token without personal:read
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == "sent"
    assert str(delivery.event_id) == event["id"]
    (attempt,) = delivery.attempt_log.all()
    assert attempt.status_code == 200
    assert attempt.response_excerpt == "answer 200"
    assert "X-Portal-Signature" in attempt.request_excerpt


def test_the_guides_snippet_verifies_a_delivery_and_refuses_a_forgery(
    allow_private, receiver, organiser, course
):
    subscription = subscribe(organiser, receiver)
    registration_create(course_id=course.pk, trainee=UserFactory())
    send_due()
    (request,) = receiver.requests
    verify = guide_verify()
    event = verify(request["headers"], request["body"], subscription.secret)
    assert event["type"] == "registration.created"
    with pytest.raises(ValueError, match="bad signature"):
        verify(
            request["headers"], request["body"].replace(b"created", b"changed"), subscription.secret
        )
    with pytest.raises(ValueError, match="bad signature"):
        verify(request["headers"], request["body"], "whsec_someone-else")


def test_organisers_hear_of_their_courses_administrators_of_all(
    allow_private, receiver, organiser, course
):
    mine = subscribe(organiser, receiver)
    other = subscribe(UserFactory(roles=[Role.ORGANISER]), receiver)
    everything = subscribe(UserFactory(roles=[Role.ADMINISTRATOR]), receiver)
    only_courses = subscribe(organiser, receiver, events=[Event.COURSE_CHANGED])
    registration_create(course_id=course.pk, trainee=UserFactory())
    told = set(WebhookDelivery.objects.values_list("subscription_id", flat=True))
    assert told == {mine.pk, everything.pk}
    assert other.pk not in told and only_courses.pk not in told


def test_registration_changes_and_course_events_are_delivered(allow_private, receiver, organiser):
    course = CourseFactory(organisers=[organiser], requires_approval=True)
    SessionFactory(course=course)
    subscribe(organiser, receiver)
    course_publish(course=course, by=organiser)
    registration = registration_create(course_id=course.pk, trainee=UserFactory())
    registration_approve(registration_id=registration.pk, by=organiser)
    registration_cancel(registration_id=registration.pk, by=registration.trainee)
    send_due()
    assert [(r["event"]["type"], r["event"]["data"]["id"]) for r in receiver.requests] == [
        ("course.published", course.pk),
        ("registration.created", registration.pk),
        ("registration.changed", registration.pk),
        ("registration.changed", registration.pk),
    ]
    assert receiver.requests[0]["event"]["data"]["status"] == "published"


def test_a_500_is_tried_again_later_then_delivered(allow_private, receiver, organiser, course):
    subscribe(organiser, receiver)
    receiver.statuses = [500]
    registration_create(course_id=course.pk, trainee=UserFactory())
    send_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert delivery.last_status_code == 500
    assert delivery.next_attempt_at > timezone.now()
    send_due()  # not due yet
    assert len(receiver.requests) == 1
    make_due(delivery)
    send_due()
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert delivery.attempts == 2
    assert [r["event"]["id"] for r in receiver.requests] == [str(delivery.event_id)] * 2
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
    assert delivery.subscription.failing_since is None


def test_a_410_gives_up_at_once_and_send_again_delivers(allow_private, receiver, organiser, course):
    subscribe(organiser, receiver)
    receiver.statuses = [410]
    registration_create(course_id=course.pk, trainee=UserFactory())
    send_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.last_status_code == 410
    webhook_delivery_send_again(delivery=delivery)
    send_due()
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert len(receiver.requests) == 2


def test_a_429_is_tried_again(allow_private, receiver, organiser, course):
    subscribe(organiser, receiver)
    receiver.statuses = [429]
    registration_create(course_id=course.pk, trainee=UserFactory())
    send_due()
    assert WebhookDelivery.objects.get().status == "pending"


def test_retries_stop_after_a_day(allow_private, receiver, organiser, course):
    subscribe(organiser, receiver)
    receiver.statuses = [503]
    registration_create(course_id=course.pk, trainee=UserFactory())
    WebhookDelivery.objects.update(retry_until=timezone.now() + datetime.timedelta(seconds=30))
    send_due()
    assert WebhookDelivery.objects.get().status == "failed"


def test_a_subscription_failing_for_a_day_is_paused_and_its_owner_told(
    allow_private, receiver, organiser, course
):
    subscription = subscribe(organiser, receiver)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        failing_since=timezone.now() - datetime.timedelta(hours=25)
    )
    receiver.statuses = [500]
    first = registration_create(course_id=course.pk, trainee=UserFactory())
    send_due()
    subscription.refresh_from_db()
    assert subscription.status == "paused"
    mail = OutgoingMail.objects.get(recipient=organiser)
    assert "HR system" in mail.subject
    # While paused, events wait; nothing is sent.
    registration_cancel(registration_id=first.pk, by=first.trainee)
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    send_due()
    assert len(receiver.requests) == 1
    # Resumed: what waited goes, in order.
    webhook_subscription_resume(subscription=subscription)
    send_due()
    send_due()
    assert [r["event"]["type"] for r in receiver.requests[1:]] == [
        "registration.created",
        "registration.changed",
    ]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_later_event_of_the_same_resource_waits_for_the_earlier(
    allow_private, receiver, organiser, course
):
    subscribe(organiser, receiver)
    receiver.statuses = [500]
    registration = registration_create(course_id=course.pk, trainee=UserFactory())
    registration_cancel(registration_id=registration.pk, by=registration.trainee)
    send_due()
    assert [r["event"]["type"] for r in receiver.requests] == ["registration.created"]
    created, changed = WebhookDelivery.objects.order_by("pk")
    assert changed.status == "pending" and changed.attempts == 0
    make_due(created)
    send_due()
    assert [r["event"]["type"] for r in receiver.requests] == [
        "registration.created",
        "registration.created",
        "registration.changed",
    ]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_is_refused_when_saved_unless_allowed(receiver, organiser, host):
    with pytest.raises(ValidationError) as refused:
        subscribe(organiser, receiver, host=host)
    assert refused.value.code == "url_private"
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.com/hooks", "url_scheme"),
        ("file:///etc/passwd", "url_scheme"),
        ("https://user:secret@example.com/hooks", "url_credentials"),
        ("http://10.0.0.7/hooks", "url_private"),
        ("http://169.254.169.254/latest/meta-data/", "url_private"),
        ("http://[::1]:8080/", "url_private"),
        ("http://[::ffff:127.0.0.1]/", "url_private"),
    ],
)
def test_addresses_the_portal_never_calls(organiser, url, code):
    with pytest.raises(ValidationError) as refused:
        webhook_subscription_create(owner=organiser, name="x", url=url, events=["course.changed"])
    assert refused.value.code == code


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_is_refused_when_sent_unless_allowed(settings, receiver, organiser, course, host):
    settings.PORTAL_WEBHOOK_ALLOW_PRIVATE = True
    subscribe(organiser, receiver, host=host)
    settings.PORTAL_WEBHOOK_ALLOW_PRIVATE = False
    registration_create(course_id=course.pk, trainee=UserFactory())
    with translation.override("en"):
        send_due()
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    (attempt,) = delivery.attempt_log.all()
    assert attempt.status_code is None
    assert "private, loopback or link-local" in attempt.error


def test_a_trainee_cannot_subscribe():
    with pytest.raises(ValidationError) as refused:
        webhook_subscription_create(
            owner=UserFactory(), name="x", url="https://example.com/", events=["course.changed"]
        )
    assert refused.value.code == "forbidden"


def test_nobody_subscribed_costs_one_query(organiser, course, django_assert_num_queries):
    from webhooks.events import Occurrence, webhook_emit

    with django_assert_num_queries(1):
        webhook_emit([Occurrence(Event.COURSE_CHANGED, "course", course.pk, course.pk, key="k")])


def test_the_sweeper_hands_out_due_deliveries_and_releases_stuck_ones(
    allow_private, receiver, organiser, course
):
    from webhooks.services import webhook_sweep

    subscription = subscribe(organiser, receiver)
    registration_create(course_id=course.pk, trainee=UserFactory())
    registration_create(course_id=course.pk, trainee=UserFactory())
    due, stuck = WebhookDelivery.objects.order_by("pk")
    WebhookDelivery.objects.filter(pk=stuck.pk).update(
        status="sending", claimed_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    assert webhook_sweep() == [due.pk, stuck.pk]
    WebhookSubscription.objects.filter(pk=subscription.pk).update(status="paused")
    assert webhook_sweep() == []
