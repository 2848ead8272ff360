"""Running exports: request, run in a worker with progress, expire and clean up."""

import hashlib
import json
import logging
import time
from collections.abc import Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from exports.models import ExportJob
from exports.registry import exporter_get
from exports.writer import SafeWorkbook
from jobs.models import JobId
from portal.auth_types import PortalUser

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def export_request(
    *, user: PortalUser, exporter: str, data: Mapping[str, Any], language: str
) -> ExportJob:
    """Check the request, record the job, and queue it for a worker after commit."""
    exporter_class = exporter_get(exporter)
    params = exporter_class.clean_params(data)
    instance = exporter_class(params)
    if not instance.can_request(user):
        raise PermissionDenied
    instance.check()
    with translation.override(language):
        title = instance.describe()
    with transaction.atomic():
        _lock_request(user=user, exporter=exporter, params=params, language=language)
        waiting = _waiting_job(user=user, exporter=exporter, params=params, language=language)
        if waiting is not None:
            # Asked again (a second click, a reload) while it waits or runs: the same job.
            return waiting
        job = ExportJob.objects.create(
            requested_by=user,
            exporter=exporter,
            title=title[:200],
            params=params,
            language=language,
        )
        audit_record(
            actor=user,
            action=AuditEvent.Action.EXPORT_REQUESTED,
            target=job,
            details={"exporter": exporter, "params": params},
        )
        job.enqueue_on_commit()
    return job


def _lock_request(
    *, user: PortalUser, exporter: str, params: Mapping[str, Any], language: str
) -> None:
    """Serialise identical requests until this transaction ends, so two at once make one job.
    A transaction-scoped advisory lock: nothing to release, safe behind a transaction pooler."""
    identity = json.dumps([user.pk, exporter, params, language], sort_keys=True, default=str)
    key = int.from_bytes(
        hashlib.blake2b(identity.encode(), digest_size=8).digest(), "big", signed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _waiting_job(
    *, user: PortalUser, exporter: str, params: Mapping[str, Any], language: str
) -> ExportJob | None:
    return (
        ExportJob.objects.filter(
            requested_by=user,
            exporter=exporter,
            params=params,
            language=language,
            status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )


def export_run(*, job_id: JobId) -> str:
    """Write the spreadsheet of one job. Safe to call again: only one call runs a job."""
    job = ExportJob.claim(job_id)
    if job is None:
        return "skipped"
    with translation.override(job.language):
        if job.attempts_exhausted():
            return job.fail(
                _(
                    "The export stopped several times before finishing. Please request it again, perhaps with a narrower filter."
                ),
            )
        return _write(job)


def _write(job: ExportJob) -> str:
    try:
        exporter = exporter_get(job.exporter)(job.params)
        job.set_total(exporter.total())
        filename = exporter.filename()[:200]
    except Exception as exc:
        logger.exception("export %s could not start", job.pk)
        return job.fail(_("The export failed: %(error)s") % {"error": type(exc).__name__})
    last_at, last_rows = timezone.now(), 0

    def progress(rows: int) -> None:
        nonlocal last_at, last_rows
        now = timezone.now()
        if rows - last_rows < 500 and (now - last_at).total_seconds() < 1:
            return
        last_at, last_rows = now, rows
        job.heartbeat(rows)

    def write(path: str) -> None:
        book = SafeWorkbook(time_zone=exporter.time_zone())
        exporter.write(book, progress)
        book.save(path)

    return job.store_file(
        file_name=f"{job.pk}.xlsx",
        write=write,
        on_error=partial(_failed, job),
        filename=filename,
        expires_at=timezone.now() + timedelta(days=_setting("PORTAL_EXPORT_KEEP_DAYS", 7)),
    )


def _failed(job: ExportJob, exc: Exception) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):
        return job.fail(
            _(
                "The export took too long. Narrow the filter (fewer courses or a shorter date range) and request it again."
            ),
        )
    logger.exception("export %s failed", job.pk)
    return job.fail(_("The export failed: %(error)s") % {"error": type(exc).__name__})


def export_sweep() -> list[str]:
    """Ids of queued jobs never started and running jobs whose worker went silent."""
    return [str(pk) for pk in ExportJob.sweep_stale()]


def export_cleanup() -> int:
    """Delete the files of expired exports (the job rows stay as a record), and temporary
    files a killed worker left behind."""
    tmp_dir = settings.MEDIA_ROOT / "exports" / "tmp"
    if tmp_dir.exists():
        cutoff = time.time() - _setting("PORTAL_EXPORT_TIME_LIMIT", 20 * 60) - 3600
        for leftover in tmp_dir.iterdir():
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)
    expired = 0
    for job in ExportJob.objects.filter(
        status=ExportJob.Status.DONE, expires_at__lt=timezone.now()
    ):
        if job.file:
            default_storage.delete(job.file.name)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.EXPIRED, file="")
        expired += 1
    return expired


@transaction.atomic
def export_download_record(*, job: ExportJob, by: PortalUser) -> None:
    ExportJob.objects.filter(pk=job.pk).update(download_count=F("download_count") + 1)
    audit_record(actor=by, action=AuditEvent.Action.EXPORT_DOWNLOADED, target=job)
