"""An export that runs past its time limit, in a real worker: it ends failed with a message
telling the user to narrow the filter, leaves no temporary or half-written file, and the job
page shows the message.

The limit is `PORTAL_EXPORT_TIME_LIMIT` (1 s here), sent with the task message by the process
that queues the run (and set on the task in the worker through CELERY_TASK_ANNOTATIONS); the
test exporter `tests.crawling` takes about 4 s when the worker has `PORTAL_TEST_CRAWL` set.
"""

import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from accounts.roles import Role
from exports.models import ExportJob
from exports.services import export_request
from tests import exporters  # noqa: F401 - registers the test exporters
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.integration

NARROW = "Narrow the filter"


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def _export_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT) / "exports"
    if not root.exists():
        return set()
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_an_export_past_its_time_limit_fails_with_advice_and_leaves_no_file(
    fresh_broker_pools,
    own_workers,
    client,
    settings,
):
    settings.PORTAL_EXPORT_TIME_LIMIT = 1
    own_workers(
        "time-limited",
        "exports",
        PORTAL_TEST_CRAWL="1",
        PORTAL_EXPORT_TIME_LIMIT="1",
    )
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    before = _export_files()
    job = export_request(user=admin, exporter="tests.crawling", data={}, language="en")
    _wait(lambda: ExportJob.objects.get(pk=job.pk).status == ExportJob.Status.FAILED)
    job.refresh_from_db()
    assert NARROW in job.error
    assert job.progress_done < 40  # it was stopped, not finished
    assert not job.file
    # No temporary file and no half-written export are left behind.
    assert _export_files() == before

    client.force_login(admin)
    page = client.get(reverse("exports:job-detail", args=[job.pk]))
    assert page.status_code == 200
    assert NARROW in page.content.decode()
    status = client.get(reverse("exports:job-status", args=[job.pk])).json()
    assert status["status"] == "failed"
    assert NARROW in status["error"]
    assert status["download_url"] is None
