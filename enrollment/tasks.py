from celery import shared_task

from enrollment.services import reminders


@shared_task(name="enrollment.registration_remind", soft_time_limit=300, time_limit=360)
def registration_remind_task() -> int:
    return reminders.registration_remind()


@shared_task(name="enrollment.import_run", soft_time_limit=20 * 60, time_limit=21 * 60)
def import_run_task(job_id: str) -> str:
    from enrollment.services.import_jobs import import_job_run

    return import_job_run(job_id=job_id)


@shared_task(name="enrollment.import_sweep", soft_time_limit=60, time_limit=90)
def import_sweep_task() -> int:
    from enrollment.services.import_jobs import import_job_sweep

    due = import_job_sweep()
    for job_id in due:
        import_run_task.delay(str(job_id))
    return len(due)
