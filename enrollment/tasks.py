from celery import shared_task

from enrollment.models import ImportJob
from enrollment.services import import_jobs, reminders


@shared_task(name="enrollment.registration_remind", soft_time_limit=300, time_limit=360)
def registration_remind_task() -> int:
    return reminders.registration_remind()


@shared_task(name="enrollment.import_run", soft_time_limit=20 * 60, time_limit=21 * 60)
def import_run_task(job_id: str) -> str:
    return import_jobs.import_job_run(job_id=job_id)


@shared_task(name="enrollment.import_sweep", soft_time_limit=60, time_limit=90)
def import_sweep_task() -> int:
    due = import_jobs.import_job_sweep()
    for job_id in due:
        ImportJob.enqueue(job_id)
    return len(due)


@shared_task(name="enrollment.import_cleanup", soft_time_limit=300, time_limit=360)
def import_cleanup_task() -> int:
    return import_jobs.import_job_sweep_unconfirmed()
