"""The base of every background job: a row that a worker claims, runs with progress, and
finishes, and that a sweeper hands out again when its task was lost or its worker died.

How to add a kind of job (a webhook delivery, an SMS batch, a backup):

1. A model in your app that inherits `BackgroundJob` (abstract: the table is your app's) and
   adds what the job needs: its input, who asked for it. Set `run_task` to the name of the
   Celery task that runs one job. Give it its own `Status` (a `TextChoices` with at least
   queued, running, done and failed, and a `status` field using it) only when it needs other
   states or labels, and list its end states in `finished_statuses`.
   Stale time and attempts come from settings: `stale_setting` (seconds without a heartbeat
   after which a running job counts as dead, default `PORTAL_JOB_STALE_SECONDS`) and
   `max_attempts_setting` (`PORTAL_JOB_MAX_ATTEMPTS`); a kind with other needs names its own.
2. A service that creates the row and calls `job.enqueue_on_commit()` in its transaction: the
   task is queued by name once the row is committed, and a broker outage never reaches the
   caller (`jobs.dispatch`).
3. A service that runs one job, safe to call twice: `Kind.claim(pk)` (None when another worker
   has it or it is over), `job.attempts_exhausted()` to give up on a job that keeps killing
   its workers, `job.heartbeat(done)` as it goes, then `job.finish(...)` or `job.fail(...)`.
   A job that produces a file writes it with `job.store_file(...)`.
4. In `tasks.py`, thin tasks with explicit names: the run task calls that service; a sweep task
   on the beat schedule calls `Kind.enqueue(pk)` for each of `Kind.sweep_stale()`: queued jobs
   whose task was lost, and jobs whose worker went silent.
5. The waiting page includes `jobs/includes/progress.html`; the JSON it polls comes from a
   `jobs.views.JobProgressView` that fetches the job the user may see.
"""

import os
import socket
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Self, TypeAlias

from django.conf import settings
from django.core.files import File
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jobs import dispatch

# A queued job not claimed after this long lost its task (the broker was down at commit).
QUEUED_GRACE = timedelta(seconds=60)

# What names a job: its primary key (a number or a UUID), or that key as a task's argument.
JobId: TypeAlias = int | uuid.UUID | str


def job_upload_to(instance: "BackgroundJob", filename: str) -> str:
    return f"{instance.upload_dir}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def worker_name() -> str:
    """Who claims a job: the host and process, as the admin shows it."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


class BackgroundJob(models.Model):
    """One piece of work a worker does outside the request, with its progress and outcome."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job status", "Queued")
        RUNNING = "running", pgettext_lazy("job status", "Running")
        DONE = "done", pgettext_lazy("job status", "Done")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    # The name of the Celery task that runs one job (it receives the job's id).
    run_task: ClassVar[str] = ""
    # The settings that give the stale time (seconds) and the number of runs allowed.
    stale_setting: ClassVar[str] = "PORTAL_JOB_STALE_SECONDS"
    max_attempts_setting: ClassVar[str] = "PORTAL_JOB_MAX_ATTEMPTS"
    # The states in which the job is over: the waiting page stops polling.
    finished_statuses: ClassVar[tuple[str, ...]] = ("done", "failed")
    # Where its file is stored (`job_upload_to`), and its temporary file while written.
    upload_dir: ClassVar[str] = "jobs"
    tmp_dir: ClassVar[str] = "jobs/tmp"
    # Related rows the runner needs, fetched with the claimed job.
    claim_related: ClassVar[tuple[str, ...]] = ()

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("items done"), default=0)
    progress_total = models.PositiveIntegerField(_("items in all"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_by = models.CharField(_("claimed by"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(
        pgettext_lazy("uploaded file", "file"), upload_to=job_upload_to, max_length=200, blank=True
    )
    size = models.PositiveBigIntegerField(pgettext_lazy("file size", "size"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True

    # -- Settings ----------------------------------------------------------------------------

    @classmethod
    def stale_after(cls) -> timedelta:
        return timedelta(seconds=int(getattr(settings, cls.stale_setting)))

    @classmethod
    def max_attempts(cls) -> int:
        return int(getattr(settings, cls.max_attempts_setting))

    # -- Queueing ----------------------------------------------------------------------------

    @classmethod
    def run_options(cls) -> dict[str, Any]:
        """Options sent with the run task (`apply_async`'s), such as time limits."""
        return {}

    @classmethod
    def enqueue(cls, pk: JobId) -> bool:
        """Queue the run of job `pk` now (the sweeper's way); never raises."""
        return dispatch.enqueue(cls.run_task, _task_arg(pk), **cls.run_options())

    def enqueue_on_commit(self) -> None:
        """Queue this job's run once the current transaction commits."""
        dispatch.enqueue_on_commit(self.run_task, _task_arg(self.pk), **self.run_options())

    # -- Running -----------------------------------------------------------------------------

    @classmethod
    def claim(cls, pk: JobId) -> Self | None:
        """Start job `pk` if it is queued, or take it over if its worker went silent for the
        stale time: the job, or None when another worker has it (or it is over). One
        conditional UPDATE: of two workers claiming at once, one wins."""
        now = timezone.now()
        claimed = (
            cls._default_manager.filter(pk=pk)
            .filter(
                Q(status=cls.Status.QUEUED)
                | Q(status=cls.Status.RUNNING, heartbeat_at__lt=now - cls.stale_after())
            )
            .update(
                status=cls.Status.RUNNING,
                started_at=now,
                heartbeat_at=now,
                progress_done=0,
                attempts=F("attempts") + 1,
                claimed_by=worker_name(),
            )
        )
        if not claimed:
            return None
        return cls._default_manager.select_related(*cls.claim_related).get(pk=pk)

    def attempts_exhausted(self) -> bool:
        """True when this run is one more than the settings allow (earlier ones died)."""
        return self.attempts > self.max_attempts()

    def set_total(self, total: int) -> None:
        self.progress_total = total
        type(self)._default_manager.filter(pk=self.pk).update(progress_total=total)

    def heartbeat(self, done: int | None = None) -> None:
        """Record that the worker is alive, and how far it got."""
        fields: dict[str, datetime | int] = {"heartbeat_at": timezone.now()}
        if done is not None:
            fields["progress_done"] = min(done, self.progress_total)
        type(self)._default_manager.filter(pk=self.pk, status=self.Status.RUNNING).update(**fields)

    def finish(self, status: str | None = None, **fields: Any) -> str:
        """End the job (done, unless `status` says otherwise) with every item counted;
        `fields` are the kind's own results. Returns the status."""
        status = status or self.Status.DONE
        now = timezone.now()
        type(self)._default_manager.filter(pk=self.pk).update(
            status=status,
            progress_done=F("progress_total"),
            finished_at=now,
            heartbeat_at=now,
            **fields,
        )
        return str(status)

    def fail(self, message: str) -> str:
        """End the job as failed with `message` for the person who asked. Returns "failed"."""
        type(self)._default_manager.filter(pk=self.pk).update(
            status=self.Status.FAILED, error=message, finished_at=timezone.now()
        )
        return "failed"

    def store_file(
        self,
        *,
        file_name: str,
        write: Callable[[str], None],
        on_error: Callable[[Exception], str],
        **fields: Any,
    ) -> str:
        """Let `write(path)` fill a temporary file, store it as this job's file under
        `file_name`, and finish the job (with `fields`): "done", or what `on_error` returns
        for an exception (it runs inside the handler, so it may log the traceback). The
        temporary file is gone when this returns, whatever happened."""
        tmp_dir = Path(settings.MEDIA_ROOT) / self.tmp_dir
        tmp_dir.mkdir(parents=True, exist_ok=True)
        handle, tmp_path = tempfile.mkstemp(dir=tmp_dir, suffix=Path(file_name).suffix)
        os.close(handle)
        try:
            write(tmp_path)
            with open(tmp_path, "rb") as stream:
                self.file.save(file_name, File(stream), save=False)
            return self.finish(
                file=self.file.name, size=os.path.getsize(tmp_path), error="", **fields
            )
        except Exception as exc:  # noqa: BLE001 - on_error records (and logs) every failure
            return on_error(exc)
        finally:
            if os.path.exists(tmp_path):
                os.remove(tmp_path)

    # -- Sweeping and cleaning up ------------------------------------------------------------

    @classmethod
    def sweep_stale(cls, *, now: datetime | None = None, limit: int = 100) -> list[JobId]:
        """Ids of the jobs to hand to a worker again: running ones whose worker stopped
        reporting (put back in the queue here), and queued ones whose task was lost (not
        claimed within a minute) or that such a sweep put back."""
        now = now or timezone.now()
        cls._default_manager.filter(
            status=cls.Status.RUNNING, heartbeat_at__lt=now - cls.stale_after()
        ).update(status=cls.Status.QUEUED)
        return list(
            cls._default_manager.filter(status=cls.Status.QUEUED)
            .filter(Q(created_at__lt=now - QUEUED_GRACE) | Q(attempts__gt=0))
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )

    @classmethod
    def delete_with_files(cls, jobs: Iterable[Self]) -> int:
        """Delete the jobs of queryset `jobs` and their stored files: how many."""
        removed = 0
        for job in jobs:
            if job.file:
                job.file.storage.delete(job.file.name)
            job.delete()
            removed += 1
        return removed

    # -- Progress ----------------------------------------------------------------------------

    @property
    def is_finished(self) -> bool:
        return self.status in self.finished_statuses

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(99, int(100 * self.progress_done / self.progress_total))

    def progress(self) -> dict[str, object]:
        """What the waiting page polls (`jobs.views.JobProgressView`)."""
        return {
            "status": self.status,
            "status_display": str(self.get_status_display()),
            "percent": self.percent,
            "done": self.progress_done,
            "total": self.progress_total,
            "finished": self.is_finished,
            "error": self.error,
        }


def _task_arg(pk: JobId) -> int | str:
    """A job's id as a task argument (JSON): integers stay integers, UUIDs become text."""
    return pk if isinstance(pk, int) else str(pk)


class ZipJob(BackgroundJob):
    """A ZIP that a worker puts together file by file (a course's reading pack, its
    certificates): progress counts the files added."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("bundle status", "Queued")
        RUNNING = "running", pgettext_lazy("bundle status", "Being built")
        DONE = "done", pgettext_lazy("bundle status", "Ready")
        FAILED = "failed", pgettext_lazy("bundle status", "Failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )

    class Meta:
        abstract = True

    def build_zip(
        self,
        *,
        file_name: str,
        write: Callable[[zipfile.ZipFile], None],
        on_error: Callable[[Exception], str],
    ) -> str:
        """Write the ZIP (`write` fills it), store it as `file_name` and mark the job done:
        "done", or what `on_error` returns for an exception (see `store_file`)."""

        def fill(path: str) -> None:
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                write(archive)

        return self.store_file(file_name=file_name, write=fill, on_error=on_error)
