import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jobs.models import BackgroundJob


class ExportJob(BackgroundJob):
    """One spreadsheet someone asked for: its progress (rows written), its file and when the
    file expires."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    run_task = "exports.export_run"
    stale_setting = "PORTAL_EXPORT_STALE_SECONDS"
    max_attempts_setting = "PORTAL_EXPORT_MAX_ATTEMPTS"
    finished_statuses = ("done", "failed", "expired")
    tmp_dir = "exports/tmp"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    exporter = models.CharField(_("export"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(
        pgettext_lazy("uploaded file", "file"), upload_to="exports/", blank=True
    )
    filename = models.CharField(
        pgettext_lazy("uploaded file", "file name"), max_length=200, blank=True
    )
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        # Whoever holds it sees and downloads everyone's exports, not only their own. Exports
        # knows no roles: the app that owns the roles grants it (accounts, to administrators).
        permissions = [("view_every_export", "Can see and download every export")]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_by_user"),
            models.Index(
                fields=["expires_at"], name="export_done_expiry", condition=Q(status="done")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=models.F("progress_total")) | Q(progress_total=0),
                name="export_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("exports:job-detail", args=[self.pk])

    @classmethod
    def run_options(cls) -> dict[str, Any]:
        """The soft and hard limits of one run, sent with the task message.

        A worker applies the limits the message carries, so they are read here, from the
        settings of the process that queues the run (web server or beat's sweep), as well as
        set on the task (CELERY_TASK_ANNOTATIONS) for runs queued without them.
        """
        limit = int(settings.PORTAL_EXPORT_TIME_LIMIT)
        return {"soft_time_limit": limit, "time_limit": limit + 60}
