"""The same code scanned twice at once, and a check-in racing the staff's "mark all", against
the real PostgreSQL: threads released together by a Barrier, each on its own connection."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from attendance import services
from attendance.models import Attendance, AttendanceChange
from courses.models import Course
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs) -> list:
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - the assertions report it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def _session():
    today = timezone.localdate()
    course = CourseFactory(status=Course.Status.PUBLISHED, starts_on=today, ends_on=today)
    now = timezone.now()
    return SessionFactory(course=course, starts_at=now, ends_at=now + datetime.timedelta(hours=1))


def test_the_same_code_scanned_eight_times_at_once_records_once():
    session = _session()
    registration = RegistrationFactory(course=session.course)
    token = services.qr_token_make(session_id=session.pk)
    results = run_together(
        [lambda: services.qr_checkin(token=token, user=registration.trainee)] * 8
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.created) == 1
    assert Attendance.objects.count() == 1


def test_checkins_racing_mark_all_leave_one_mark_each():
    session = _session()
    registrations = RegistrationFactory.create_batch(6, course=session.course)
    staff = UserFactory(roles=[Role.CHECKIN_STAFF])
    token = services.qr_token_make(session_id=session.pk)
    jobs = [lambda r=r: services.qr_checkin(token=token, user=r.trainee) for r in registrations]
    jobs.append(lambda: services.attendance_mark_all(session_id=session.pk, by=staff))
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Attendance.objects.count() == 6
    assert set(Attendance.objects.values_list("status", flat=True)) == {"present"}


def test_corrections_of_one_mark_at_once_are_all_kept_in_order():
    """Four staff members correct the same mark at once: every correction is recorded, each
    starting from the mark the one before it left, and the last one is the mark."""
    session = _session()
    registration = RegistrationFactory(course=session.course)
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    services.attendance_mark(
        session_id=session.pk,
        registration_ids=[registration.pk],
        status="present",
        by=administrator,
    )
    statuses = ["late", "excused", "absent", "late"]
    jobs = [
        lambda status=status: services.attendance_mark(
            session_id=session.pk,
            registration_ids=[registration.pk],
            status=status,
            reason=f"改为{status}",
            by=administrator,
        )
        for status in statuses
    ]
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    chain = list(AttendanceChange.objects.order_by("pk").values_list("old_status", "new_status"))
    changed = [pair for pair in chain if pair[0] != pair[1]]
    assert all(chain[i][0] == chain[i - 1][1] for i in range(1, len(chain)))
    assert chain[0][0] == "present"
    assert chain[-1][1] == Attendance.objects.get().status
    assert len(changed) == len(chain) >= 3  # the same status twice in a row is no correction
