from celery import shared_task

from privacy import erasure, services
from privacy.models import DataDownload


@shared_task(name="privacy.data_download_build")
def data_download_build_task(download_id: str) -> str:
    return services.data_download_build(download_id=download_id)


@shared_task(name="privacy.data_download_sweep")
def data_download_sweep_task() -> int:
    due = services.data_download_sweep()
    for download_id in due:
        DataDownload.enqueue(download_id)
    return len(due)


@shared_task(name="privacy.data_download_cleanup")
def data_download_cleanup_task() -> int:
    return services.data_download_cleanup()


@shared_task(name="privacy.erasure_run")
def erasure_run_task() -> int:
    """Hourly: reminders a day before, then the due account deletions, one batch."""
    erasure.erasure_remind()
    return erasure.erasure_run()
