"""Exports run in a real worker; one killed mid-export is taken over and the job completes."""

import signal
import time

import pytest
from django.utils import timezone

from accounts.roles import Role
from exports.models import ExportJob
from exports.services import export_request, export_sweep
from exports.tasks import export_sweep_task
from tests import exporters  # noqa: F401 - registers the test exporters
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.integration


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_people_export_runs_in_the_worker(celery_worker):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    job = export_request(user=admin, exporter="accounts.people", data={}, language="zh-hans")
    _wait(lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE)
    job.refresh_from_db()
    assert job.file and job.progress_total == 1


def test_a_worker_killed_mid_export_leaves_a_job_that_another_worker_completes(
    own_workers, settings
):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    slow = {"PORTAL_TEST_CRAWL": "1", "PORTAL_EXPORT_STALE_SECONDS": "2"}
    doomed = own_workers("doomed", "exports", **slow)
    job = export_request(user=admin, exporter="tests.crawling", data={}, language="en")
    _wait(lambda: ExportJob.objects.get(pk=job.pk).progress_done >= 5)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING  # the dead worker's job, not finished

    own_workers("rescuer", "exports", **slow)
    time.sleep(2.5)  # past the stale threshold; then the beat's sweep hands the job out again
    settings.PORTAL_EXPORT_STALE_SECONDS = 2
    assert export_sweep() == [str(job.pk)]
    export_sweep_task.delay()
    _wait(lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE, timeout=90)
    job.refresh_from_db()
    assert job.attempts == 2
    assert job.progress_done == 40
    assert job.finished_at <= timezone.now()
