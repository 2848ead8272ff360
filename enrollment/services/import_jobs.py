"""Large nominee imports run in a worker, with progress the upload page polls; and uploads
that wait for the organiser's choice on existing accounts' profiles."""

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from enrollment.imports import RawRow, read_rows
from enrollment.models import ImportJob
from enrollment.services.nominees import (
    ExistingProfiles,
    NomineeErrors,
    ProfileKept,
    nominee_access,
    nominees_import,
)
from jobs.models import JobId

logger = logging.getLogger(__name__)

# How long an upload waits for the organiser's choice before it is deleted unseen.
AWAITING_KEEP = timedelta(days=1)


def sync_row_limit() -> int:
    """Files up to this many rows are imported while the uploader waits."""
    return int(settings.PORTAL_IMPORT_SYNC_ROWS)


def import_job_create(
    *,
    course: Course,
    by: User,
    data: bytes,
    original_name: str,
    language: str,
    kept: Sequence[ProfileKept] = (),
) -> ImportJob:
    """Keep the checked file under a random name and queue the job after commit; or, with
    `kept` (the rows for existing accounts with another name or unit that a check in the
    request found), keep it waiting for the uploader's choice."""
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
        job.size = len(data)
        if kept:
            job.status = ImportJob.Status.AWAITING
            job.errors = [each.as_json() for each in kept]
            job.finished_at = timezone.now()
        job.save()
        if not kept:
            job.enqueue_on_commit()
    return job


def import_job_keep_profiles(*, job_id: UUID, by: User) -> ImportJob:
    """The uploader's choice to register the waiting job's rows for existing accounts with the
    accounts' own profiles: the job is queued again, and every row is checked again."""
    with transaction.atomic():
        # One conditional UPDATE: a second click, or a "stop" that came first, finds nothing.
        queued = ImportJob.objects.filter(
            pk=job_id, uploaded_by=by, status=ImportJob.Status.AWAITING
        ).update(
            status=ImportJob.Status.QUEUED,
            keep_existing_profiles=True,
            errors=[],
            attempts=0,
            progress_done=0,
            finished_at=None,
        )
        if not queued:
            raise ValidationError(
                _("This import no longer waits for a choice."), code="not_awaiting"
            )
        job = ImportJob.objects.get(pk=job_id)
        job.enqueue_on_commit()
    return job


def import_job_stop(*, job_id: UUID, by: User) -> None:
    """The uploader's choice to stop a waiting job: it and its file are deleted, nothing is
    saved."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .filter(pk=job_id, uploaded_by=by, status=ImportJob.Status.AWAITING)
            .first()
        )
        if job is None:
            raise ValidationError(
                _("This import no longer waits for a choice."), code="not_awaiting"
            )
        ImportJob.delete_with_files([job])


def import_job_sweep_unconfirmed(*, now: datetime | None = None) -> int:
    """Delete the jobs (and files, which hold personal data) that have waited for their
    uploader's choice longer than a day: how many."""
    cutoff = (now or timezone.now()) - AWAITING_KEEP
    return ImportJob.delete_with_files(
        ImportJob.objects.filter(status=ImportJob.Status.AWAITING, finished_at__lt=cutoff)
    )


def import_job_run(*, job_id: JobId) -> str:
    """Run one queued job; a second delivery of the same task finds it claimed and skips."""
    job = ImportJob.claim(job_id)
    if job is None:
        return "skipped"
    with translation.override(job.language):
        if job.attempts_exhausted():
            _finish(
                job,
                ImportJob.Status.FAILED,
                error=_("The import stopped several times. Please upload the file again."),
            )
            return "failed"
        return _run(job)


def import_job_sweep(*, now: datetime | None = None) -> list[JobId]:
    """Jobs to hand to a worker again: queued ones whose dispatch was lost (Redis down), and
    running ones whose worker stopped reporting progress (killed). The import is one
    transaction, so a dead worker left nothing behind and running it again is safe."""
    return ImportJob.sweep_stale(now=now)


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
    job.set_total(max(1, total) * 2)
    phase = {"offset": 0}

    def progress(count: int) -> None:
        job.heartbeat(phase["offset"] + count)

    def checked_rows() -> Iterator[RawRow]:
        yield from rows
        progress(total)
        phase["offset"] = total

    try:
        registrations = nominees_import(
            course=job.course,
            by=job.uploaded_by,
            rows=checked_rows(),
            progress=progress,
            keep_existing_profiles=job.keep_existing_profiles,
        )
    except ExistingProfiles as exc:
        # Nothing to correct: the file stays for the uploader's choice on the job's page.
        job.finish(ImportJob.Status.AWAITING, errors=[each.as_json() for each in exc.kept])
        return "awaiting"
    except NomineeErrors as exc:
        # The rows for existing accounts with another name or unit are listed with the errors.
        listed = [error.as_json() for error in exc.problems()]
        _finish(job, ImportJob.Status.INVALID, errors=listed + [k.as_json() for k in exc.kept])
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


def _finish(
    job: ImportJob,
    status: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    error: str = "",
    created: int = 0,
) -> None:
    job.finish(status, errors=errors or [], error=error, created_count=created)
    # The uploaded file held personal data; it is not kept once the job is over.
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
