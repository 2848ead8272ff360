"""Certificates are issued by the real worker: the task run three times at once (twice for
the course, once as the beat's sweep) gives each qualifying trainee exactly one certificate,
and a revoked one stays revoked when the task runs again."""

import time

import pytest

from certificates import services
from certificates.models import Certificate, CertificateArchive
from certificates.tasks import certificate_issue_due_task, certificate_issue_for_course_task
from tests.certificates.conftest import A, P, make_finished_course, mark, rule
from tests.factories.accounts import UserFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.integration


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def _archive_built(course, organiser) -> CertificateArchive:
    """Queued after the issue tasks on the same queue: when it is done, they have run."""
    archive = services.archive_request(course=course, by=organiser, language="zh-hans")
    _wait(
        lambda: (
            CertificateArchive.objects.get(pk=archive.pk).status
            in (CertificateArchive.Status.DONE, CertificateArchive.Status.FAILED)
        )
    )
    archive.refresh_from_db()
    return archive


def test_the_issue_task_in_a_worker_is_idempotent(celery_worker):
    from accounts.roles import Role

    organiser = UserFactory(roles=[Role.ORGANISER])
    course = make_finished_course(organiser)
    rule(course, organiser)
    qualifying = [RegistrationFactory(course=course) for _ in range(12)]
    for registration in qualifying:
        mark(registration, [P] * 10)
    failing = RegistrationFactory(course=course)
    mark(failing, [P, A, A, A, A, A, A, A, A, A])

    for _ in range(2):
        certificate_issue_for_course_task.delay(course.pk)
    certificate_issue_due_task.delay()
    _wait(lambda: Certificate.objects.filter(course=course).count() >= 12)
    archive = _archive_built(course, organiser)
    assert archive.status == CertificateArchive.Status.DONE
    assert archive.progress_total == 12
    assert Certificate.objects.filter(course=course).count() == 12
    assert set(Certificate.objects.values_list("registration_id", flat=True)) == {
        r.pk for r in qualifying
    }

    revoked = Certificate.objects.filter(course=course).first()
    services.certificate_revoke(course=course, certificate_id=revoked.pk, by=organiser, reason="x")
    certificate_issue_for_course_task.delay(course.pk)
    archive = _archive_built(course, organiser)
    assert archive.progress_total == 11
    revoked.refresh_from_db()
    assert revoked.status == Certificate.Status.REVOKED
    assert Certificate.objects.filter(course=course).count() == 12
