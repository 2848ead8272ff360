"""Running exports: request, run in a worker with progress, expire and clean up."""

import logging
import os
import tempfile
import time
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import audit_record
from exports.models import ExportJob
from exports.registry import exporter_get
from exports.writer import SafeWorkbook

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def export_request(*, user, exporter: str, data, language: str) -> ExportJob:
    """Check the request, record the job, and queue it for a worker after commit."""
    exporter_class = exporter_get(exporter)
    params = exporter_class.clean_params(data)
    instance = exporter_class(params)
    if not instance.can_request(user):
        raise PermissionDenied
    with translation.override(language):
        title = instance.describe()
    with transaction.atomic():
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
        transaction.on_commit(partial(dispatch, job.pk), robust=True)
    return job


def time_limits() -> dict:
    """The soft and hard limits of one run, sent with the task message.

    A worker applies the limits the message carries, so they are read here, from the settings
    of the process that queues the run (web server or beat's sweep), as well as set on the task
    (CELERY_TASK_ANNOTATIONS) for runs queued without them.
    """
    limit = _setting("PORTAL_EXPORT_TIME_LIMIT", 20 * 60)
    return {"soft_time_limit": limit, "time_limit": limit + 60}


def dispatch(job_id) -> None:
    from exports.tasks import export_run_task

    try:
        export_run_task.apply_async((str(job_id),), **time_limits())
    except Exception:
        logger.warning("could not queue export %s; the sweeper will", job_id, exc_info=True)


def _claim(job_id) -> ExportJob | None:
    """Start a queued job, or take over one whose worker stopped sending progress."""
    now = timezone.now()
    stale = now - timedelta(seconds=_setting("PORTAL_EXPORT_STALE_SECONDS", 120))
    claimed = (
        ExportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=ExportJob.Status.QUEUED)
            | Q(status=ExportJob.Status.RUNNING, heartbeat_at__lt=stale)
        )
        .update(
            status=ExportJob.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            rows_done=0,
            attempts=F("attempts") + 1,
        )
    )
    return ExportJob.objects.get(pk=job_id) if claimed else None


def _fail(job: ExportJob, message: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )


def export_run(*, job_id) -> str:
    """Write the spreadsheet of one job. Safe to call again: only one call runs a job."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    with translation.override(job.language):
        if job.attempts > _setting("PORTAL_EXPORT_MAX_ATTEMPTS", 3):
            _fail(
                job,
                _(
                    "The export stopped several times before finishing. Please request it again, perhaps with a narrower filter."
                ),
            )
            return "failed"
        return _write(job)


def _write(job: ExportJob) -> str:
    try:
        exporter = exporter_get(job.exporter)(job.params)
        total = exporter.total()
    except Exception as exc:
        logger.exception("export %s could not start", job.pk)
        _fail(job, _("The export failed: %(error)s") % {"error": type(exc).__name__})
        return "failed"
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
    last = {"at": timezone.now(), "rows": 0}

    def progress(rows: int) -> None:
        now = timezone.now()
        if rows - last["rows"] < 500 and (now - last["at"]).total_seconds() < 1:
            return
        last.update(at=now, rows=rows)
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
            rows_done=min(rows, total) if total else 0, heartbeat_at=now
        )

    tmp_dir = settings.MEDIA_ROOT / "exports" / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    handle, tmp_path = tempfile.mkstemp(dir=tmp_dir, suffix=".xlsx")
    os.close(handle)
    try:
        book = SafeWorkbook(time_zone=exporter.time_zone())
        exporter.write(book, progress)
        book.save(tmp_path)
        with open(tmp_path, "rb") as stream:
            stored = default_storage.save(f"exports/{job.pk}.xlsx", File(stream))
        now = timezone.now()
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE,
            file=stored,
            filename=exporter.filename()[:200],
            size=os.path.getsize(tmp_path),
            rows_done=total,
            error="",
            finished_at=now,
            heartbeat_at=now,
            expires_at=now + timedelta(days=_setting("PORTAL_EXPORT_KEEP_DAYS", 7)),
        )
        return "done"
    except SoftTimeLimitExceeded:
        _fail(
            job,
            _(
                "The export took too long. Narrow the filter (fewer courses or a shorter date range) and request it again."
            ),
        )
        return "failed"
    except Exception as exc:
        logger.exception("export %s failed", job.pk)
        _fail(job, _("The export failed: %(error)s") % {"error": type(exc).__name__})
        return "failed"
    finally:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)


def export_sweep() -> list[str]:
    """Ids of queued jobs never started and running jobs whose worker went silent."""
    now = timezone.now()
    stale = now - timedelta(seconds=_setting("PORTAL_EXPORT_STALE_SECONDS", 120))
    return [
        str(pk)
        for pk in ExportJob.objects.filter(
            Q(status=ExportJob.Status.QUEUED, created_at__lt=now - timedelta(seconds=60))
            | Q(status=ExportJob.Status.RUNNING, heartbeat_at__lt=stale)
        ).values_list("pk", flat=True)[:100]
    ]


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
def export_download_record(*, job: ExportJob, by) -> None:
    ExportJob.objects.filter(pk=job.pk).update(download_count=F("download_count") + 1)
    audit_record(actor=by, action=AuditEvent.Action.EXPORT_DOWNLOADED, target=job)
