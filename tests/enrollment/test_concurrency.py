"""Seats under concurrency, against the real PostgreSQL: threads released together by a Barrier.

Each thread uses its own database connection (Django's connections are per thread) and closes
it at the end; the tests are transactional, so every thread sees committed rows only.
"""

import threading
import time
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts.models import Organisation
from courses.models import Course
from enrollment import services
from enrollment.models import HELD_STATUSES, Registration
from enrollment.services.common import seat_state
from notifications.models import OutgoingMail
from tests.enrollment.conftest import set_quotas, trainee_from
from tests.factories.courses import CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)

TYPES = list(Organisation.Type.values)


@pytest.fixture(autouse=True)
def patient_course_lock(settings):
    """Dozens of threads queue for one course lock; on a loaded machine the last of them may
    wait longer than the production three seconds. These tests are about the seats, not about
    "busy", so they wait longer; the busy test below sets the production value itself."""
    settings.PORTAL_COURSE_LOCK_TIMEOUT = 30


def run_together(jobs) -> list:
    """Run each callable in its own thread, all released at once; return their outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = job()
        except ValidationError as exc:
            outcomes[index] = exc.code
        except services.CourseBusy:
            outcomes[index] = "busy"
        except Exception as exc:  # noqa: BLE001 - the assertions report it
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def assert_invariants(course: Course) -> None:
    course.refresh_from_db()
    seats = seat_state(course)
    assert seats.total <= course.capacity
    for key, quota in seats.quotas.items():
        assert seats.held_in(key) <= quota
    assert seats.held_in_pool() <= seats.pool
    active = Registration.objects.filter(
        course=course, status__in=("pending", "confirmed", "waitlisted")
    )
    per_trainee = Counter(active.values_list("trainee_id", flat=True))
    assert all(n == 1 for n in per_trainee.values())
    # Nobody waits while a seat they qualify for is free.
    waiting = active.filter(status="waitlisted").values_list("region_id", "organisation_type")
    for group in waiting:
        assert not seats.has_seat(group), f"{group} waits beside a free seat"


def published_course(capacity: int, quotas: dict[str, int], **kwargs) -> Course:
    course = CourseFactory(status=Course.Status.PUBLISHED, capacity=capacity, **kwargs)
    SessionFactory(course=course)
    set_quotas(course, quotas)
    return course


def trainees(codes: list[str]) -> list:
    # Distinct organisations per trainee so each gets their own organisation type too.
    return [
        trainee_from(code, TYPES[index % len(TYPES)], full_name=f"学员{index}")
        for index, code in enumerate(codes)
    ]


def register_job(course, trainee):
    return lambda: services.registration_create(course_id=course.pk, trainee=trainee).status


def test_sixty_four_trainees_for_ten_seats_with_quotas_never_overbook():
    course = published_course(10, {"44": 3, "11": 2})
    codes = ["44"] * 20 + ["11"] * 10 + ["32", "33", "51", "61", "65", "21"] * 6
    people = trainees(codes[:64])

    outcomes = run_together([register_job(course, person) for person in people])

    assert Counter(outcomes) == {"confirmed": 10, "waitlisted": 54}, outcomes
    assert Registration.objects.filter(course=course).count() == 64
    held = Counter(
        Registration.objects.filter(course=course, status__in=HELD_STATUSES).values_list(
            "region__code", flat=True
        )
    )
    assert held["44"] == 3
    assert held["11"] == 2
    assert sum(held.values()) == 10
    assert_invariants(course)
    assert OutgoingMail.objects.filter(key__startswith="registration:").count() == 64


def test_pending_seats_count_when_approval_is_required():
    course = published_course(5, {"44": 2}, requires_approval=True)
    people = trainees(["44"] * 10 + ["12"] * 50)
    outcomes = run_together([register_job(course, person) for person in people])
    assert Counter(outcomes) == {"pending": 5, "waitlisted": 55}
    assert_invariants(course)


def test_the_same_trainee_submitting_at_once_gets_one_registration():
    course = published_course(10, {})
    (person,) = trainees(["44"])
    outcomes = run_together([register_job(course, person) for _ in range(10)])
    assert sorted(outcomes) == ["already_registered"] * 9 + ["confirmed"]
    assert Registration.objects.filter(course=course, trainee=person).count() == 1


def test_cancellations_and_registrations_interleaved_keep_every_invariant():
    course = published_course(8, {"44": 3, "11": 2})
    first = trainees(["44"] * 6 + ["11"] * 4 + ["51"] * 6)
    for person in first:
        services.registration_create(course_id=course.pk, trainee=person)
    holders = list(Registration.objects.filter(course=course, status="confirmed"))
    later = [
        trainee_from(code, TYPES[index % len(TYPES)], full_name=f"后来{index}")
        for index, code in enumerate(["44", "11", "51", "13"] * 8)
    ]

    def cancel_job(registration):
        return lambda: (
            services.registration_cancel(
                registration_id=registration.pk, by=registration.trainee
            ).status
        )

    jobs = [cancel_job(registration) for registration in holders[:6]]
    jobs += [register_job(course, person) for person in later]
    outcomes = run_together(jobs)

    assert outcomes.count("cancelled") == 6, outcomes
    assert all(outcome in ("cancelled", "confirmed", "waitlisted") for outcome in outcomes)
    assert_invariants(course)
    seats = seat_state(course)
    # Far more demand than seats in every bucket: every seat is taken again.
    assert seats.total == 8
    promoted = OutgoingMail.objects.filter(key__endswith=":promoted").count()
    confirmed_now = Registration.objects.filter(course=course, status="confirmed").count()
    assert confirmed_now == 8
    assert promoted + outcomes.count("confirmed") >= 6


def test_a_course_locked_by_a_slow_edit_answers_busy_within_seconds(settings):
    settings.PORTAL_COURSE_LOCK_TIMEOUT = 3
    course = published_course(10, {})
    (person,) = trainees(["44"])
    locked = threading.Event()
    release = threading.Event()

    def slow_edit():
        try:
            with transaction.atomic():
                Course.objects.select_for_update().get(pk=course.pk)
                locked.set()
                release.wait(timeout=15)
        finally:
            connection.close()

    editor = threading.Thread(target=slow_edit)
    editor.start()
    try:
        assert locked.wait(timeout=10)
        started = time.monotonic()
        with pytest.raises(services.CourseBusy):
            services.registration_create(course_id=course.pk, trainee=person)
        elapsed = time.monotonic() - started
    finally:
        release.set()
        editor.join()
    assert 2.5 <= elapsed <= 4.5
    assert not Registration.objects.filter(course=course).exists()
    # Once the edit is over, the same request succeeds.
    assert services.registration_create(course_id=course.pk, trainee=person).status == "confirmed"


def test_registration_succeeds_while_redis_is_down_and_the_mail_waits_for_the_sweeper(
    broker_down, monkeypatch
):
    from notifications import outbox

    lost: list = []
    monkeypatch.setattr(outbox.logger, "warning", lambda *args, **kwargs: lost.append(args))
    course = published_course(10, {})
    (person,) = trainees(["44"])
    started = time.monotonic()
    registration = services.registration_create(course_id=course.pk, trainee=person)
    assert time.monotonic() - started < 10
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"
    mail = OutgoingMail.objects.get(key=f"registration:{registration.pk}:confirmed")
    assert mail.status == OutgoingMail.Status.PENDING
    assert lost and lost[0][1] == mail.pk  # the broker really was unreachable
    from notifications.services import mail_sweep

    assert mail.pk in mail_sweep()


def test_registration_answers_in_seconds_while_redis_hangs(broker_hung, monkeypatch):
    from notifications import outbox

    lost: list = []
    monkeypatch.setattr(outbox.logger, "warning", lambda *args, **kwargs: lost.append(args))
    course = published_course(10, {})
    (person,) = trainees(["44"])
    started = time.monotonic()
    registration = services.registration_create(course_id=course.pk, trainee=person)
    elapsed = time.monotonic() - started
    assert broker_hung, "the registration never tried the hung broker"
    assert elapsed < 15
    assert registration.status == "confirmed"
    assert lost
    mail = OutgoingMail.objects.get(key=f"registration:{registration.pk}:confirmed")
    assert mail.status == OutgoingMail.Status.PENDING
