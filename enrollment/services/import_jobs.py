"""Large nominee imports run in a worker, with progress the upload page polls."""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from enrollment.imports import read_rows
from enrollment.models import ImportJob
from enrollment.services.nominees import NomineeErrors, nominee_access, nominees_import

logger = logging.getLogger(__name__)


def sync_row_limit() -> int:
    """Files up to this many rows are imported while the uploader waits."""
    return settings.PORTAL_IMPORT_SYNC_ROWS


def import_job_create(
    *, course: Course, by: User, data: bytes, original_name: str, language: str
) -> ImportJob:
    """Keep the checked file under a random name and queue the job after commit."""
    unit = nominee_access(course=course, by=by)
    with transaction.atomic():
        job = ImportJob(
            course=course,
            nominating_unit=unit,
            uploaded_by=by,
            original_name=original_name[:200],
            language=language,
        )
        job.file.save("upload.xlsx", ContentFile(data), save=False)
        job.save()
        transaction.on_commit(partial(dispatch, job.pk), robust=True)
    return job


def dispatch(job_id) -> None:
    from enrollment.tasks import import_run_task

    try:
        import_run_task.delay(str(job_id))
    except Exception:
        logger.warning("could not queue import %s", job_id, exc_info=True)


MAX_ATTEMPTS = 3
STALE_AFTER = timedelta(minutes=5)


def import_job_run(*, job_id) -> str:
    """Run one queued job; a second delivery of the same task finds it claimed and skips."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING,
        heartbeat_at=now,
        rows_done=0,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return "skipped"
    job = ImportJob.objects.select_related("course", "uploaded_by").get(pk=job_id)
    with translation.override(job.language):
        if job.attempts > MAX_ATTEMPTS:
            _finish(
                job,
                ImportJob.Status.FAILED,
                error=_("The import stopped several times. Please upload the file again."),
            )
            return "failed"
        return _run(job)


def import_job_sweep(*, now=None) -> list:
    """Jobs to hand to a worker again: queued ones whose dispatch was lost (Redis down), and
    running ones whose worker stopped reporting progress (killed). The import is one
    transaction, so a dead worker left nothing behind and running it again is safe."""
    now = now or timezone.now()
    ImportJob.objects.filter(
        status=ImportJob.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    ).update(status=ImportJob.Status.QUEUED)
    return list(
        ImportJob.objects.filter(
            status=ImportJob.Status.QUEUED, created_at__lt=now - timedelta(minutes=1)
        ).values_list("pk", flat=True)[:50]
    )


def _run(job: ImportJob) -> str:
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        total, rows = read_rows(data)
    except Exception as exc:
        logger.exception("import %s could not start", job.pk)
        _finish(job, ImportJob.Status.FAILED, error=str(getattr(exc, "message", exc)))
        return "failed"
    # Two passes over the rows: checking, then registering.
    ImportJob.objects.filter(pk=job.pk).update(rows_total=max(1, total) * 2)
    phase = {"offset": 0}

    def progress(count: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            rows_done=min(phase["offset"] + count, total * 2)
        )

    def checked_rows():
        yield from rows
        progress(total)
        phase["offset"] = total

    try:
        registrations = nominees_import(
            course=job.course, by=job.uploaded_by, rows=checked_rows(), progress=progress
        )
    except NomineeErrors as exc:
        _finish(job, ImportJob.Status.INVALID, errors=[error.as_json() for error in exc.errors])
        return "invalid"
    except Exception as exc:
        logger.exception("import %s failed", job.pk)
        _finish(
            job,
            ImportJob.Status.FAILED,
            error=_("The import failed: %(error)s") % {"error": type(exc).__name__},
        )
        return "failed"
    _finish(job, ImportJob.Status.DONE, created=len(registrations))
    return "done"


def _finish(job: ImportJob, status: str, *, errors=None, error: str = "", created: int = 0) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        errors=errors or [],
        error=error,
        created_count=created,
        rows_done=F("rows_total"),
        finished_at=timezone.now(),
    )
    # The uploaded file held personal data; it is not kept once the job is over.
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
