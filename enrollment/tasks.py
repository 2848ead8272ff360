from celery import shared_task

from enrollment.services import reminders


@shared_task(name="enrollment.registration_remind", soft_time_limit=300, time_limit=360)
def registration_remind_task() -> int:
    return reminders.registration_remind()
