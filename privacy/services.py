"""Download my data: a person asks, a worker puts everything the registered sections hold
about them into a ZIP (one JSON file per section and one spreadsheet), and only they may
download it until it expires."""

import json
import logging
import re
import tempfile
import zipfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exports.writer import Column, SafeWorkbook
from privacy.models import DataDownload
from privacy.registry import Section, sections

logger = logging.getLogger(__name__)

SPREADSHEET = "my-data.xlsx"


def _keep_days() -> int:
    return int(settings.PORTAL_DATA_DOWNLOAD_KEEP_DAYS)


@transaction.atomic
def data_download_request(*, user: Any, language: str) -> DataDownload:
    """Start building the person's data, or give the build already under way."""
    pending = DataDownload.objects.filter(
        user=user, status__in=[DataDownload.Status.QUEUED, DataDownload.Status.RUNNING]
    ).first()
    if pending is not None:
        return pending
    download = DataDownload.objects.create(user=user, language=language)
    download.enqueue_on_commit()
    return download


def _sheet_title(section: Section) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", section.title)[:31]


def _write(archive: zipfile.ZipFile, download: DataDownload) -> None:
    book = SafeWorkbook(time_zone=settings.TIME_ZONE)
    for done, section in enumerate(sections(), start=1):
        rows = section.rows(download.user)
        text = json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        archive.writestr(f"{section.key}.json", text)
        sheet = book.sheet(
            _sheet_title(section), [Column(header=name) for name in section.headings()]
        )
        for row in rows:
            sheet.append(section.readable(row))
        download.heartbeat(done)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as spreadsheet:
        book.save(spreadsheet.name)
        archive.write(spreadsheet.name, SPREADSHEET)


def data_download_build(*, download_id: str) -> str:
    """Run one build (safe to call twice): "done", "failed" or "skipped"."""
    download = DataDownload.claim(download_id)
    if download is None:
        return "skipped"
    with translation.override(download.language):
        if download.attempts_exhausted():
            return download.fail(_("Your data could not be put together. Please try again."))
        download.set_total(len(sections()))

        def on_error(exc: Exception) -> str:
            logger.exception("data download %s failed", download.pk)
            return download.fail(_("Your data could not be put together. Please try again."))

        status = download.build_zip(
            file_name="my-data.zip", write=lambda zip_: _write(zip_, download), on_error=on_error
        )
    if status == DataDownload.Status.DONE:
        DataDownload.objects.filter(pk=download.pk).update(
            expires_at=timezone.now() + timedelta(days=_keep_days())
        )
    return status


def data_download_sweep() -> list[str]:
    return [str(pk) for pk in DataDownload.sweep_stale()]


def data_download_cleanup() -> int:
    """Delete expired downloads and their files: personal data is not kept longer than asked."""
    expired = DataDownload.objects.filter(expires_at__lt=timezone.now())
    return DataDownload.delete_with_files(expired)


def data_download_file_exists(download: DataDownload) -> bool:
    return bool(download.file) and default_storage.exists(download.file.name)
