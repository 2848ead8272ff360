from celery import shared_task

from exports import services
from exports.models import ExportJob


# Time limits come from CELERY_TASK_ANNOTATIONS in the settings (PORTAL_EXPORT_TIME_LIMIT).
@shared_task(name="exports.export_run")
def export_run_task(job_id: str) -> str:
    return services.export_run(job_id=job_id)


@shared_task(name="exports.export_sweep")
def export_sweep_task() -> int:
    due = services.export_sweep()
    for job_id in due:
        ExportJob.enqueue(job_id)
    return len(due)


@shared_task(name="exports.export_cleanup")
def export_cleanup_task() -> int:
    return services.export_cleanup()
