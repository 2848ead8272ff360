import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jobs.models import ZipJob


def data_download_upload_to(instance: "DataDownload", filename: str) -> str:
    return f"privacy/downloads/{uuid.uuid4().hex}.zip"


class DataDownload(ZipJob):
    """Everything the portal holds about one person, as a ZIP of JSON files and a
    spreadsheet, built by a worker; only that person may download it, until it expires."""

    run_task = "privacy.data_download_build"
    tmp_dir = "privacy/tmp"
    claim_related = ("user",)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="data_downloads",
    )
    language = models.CharField(_("language"), max_length=10)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    file = models.FileField(
        pgettext_lazy("uploaded file", "file"),
        upload_to=data_download_upload_to,
        max_length=200,
        blank=True,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("personal data download")
        verbose_name_plural = _("personal data downloads")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=models.F("progress_total")),
                name="data_download_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class AccountErasure(models.Model):
    """A person asked for their account to be deleted: after the cooling-off period a beat task
    anonymises it, unless they cancelled or an administrator holds it (e.g. an open dispute)."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("erasure", "Pending")
        HELD = "held", pgettext_lazy("erasure", "Held")
        CANCELLED = "cancelled", pgettext_lazy("erasure", "Cancelled")
        DONE = "done", pgettext_lazy("erasure", "Done")

    OPEN = (Status.PENDING, Status.HELD)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="erasures",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    due_at = models.DateTimeField(_("to be deleted"))
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    held_reason = models.TextField(_("reason for holding"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("account deletion")
        verbose_name_plural = _("account deletions")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["pending", "held"]),
                name="account_erasure_one_open_per_user",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | ~Q(held_reason=""),
                name="account_erasure_held_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="account_erasure_due")]

    def __str__(self) -> str:
        # No name: this is what the audit log keeps after the person is gone.
        return f"#{self.pk} · {self.due_at:%Y-%m-%d}"
