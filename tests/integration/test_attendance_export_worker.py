"""A course's attendance sheet built by a real worker that is killed halfway: another worker
takes the job over and finishes it; it never stays running."""

import signal
import time

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook

from exports.models import ExportJob
from exports.services import export_request, export_sweep
from exports.tasks import export_sweep_task
from tests import exporters  # noqa: F401 - registers the test exporters
from tests.factories.courses import CourseFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory

pytestmark = pytest.mark.integration


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_a_worker_killed_mid_attendance_export_is_taken_over(
    fresh_broker_pools, own_workers, settings
):
    course = CourseFactory(status="published")
    SessionFactory(course=course)
    RegistrationFactory.create_batch(40, course=course)
    organiser = course.organisers.get()
    slow = {"PORTAL_TEST_CRAWL": "1", "PORTAL_EXPORT_STALE_SECONDS": "2"}
    doomed = own_workers("doomed-attendance", "exports", **slow)
    job = export_request(
        user=organiser,
        exporter="tests.crawling_attendance",
        data={"course": course.pk},
        language="zh-hans",
    )
    _wait(lambda: ExportJob.objects.get(pk=job.pk).progress_done >= 5)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING

    own_workers("rescuer-attendance", "exports", **slow)
    time.sleep(2.5)
    settings.PORTAL_EXPORT_STALE_SECONDS = 2
    assert export_sweep() == [str(job.pk)]
    export_sweep_task.delay()
    _wait(lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.DONE, timeout=90)
    job.refresh_from_db()
    assert job.attempts == 2 and job.progress_done == 40
    with default_storage.open(job.file.name, "rb") as stream:
        sheet = load_workbook(stream).active
    assert sheet.max_row == 41
