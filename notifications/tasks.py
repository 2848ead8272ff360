from celery import shared_task

from notifications import services


@shared_task(name="notifications.mail_send", soft_time_limit=60, time_limit=90)
def mail_send_task(mail_id: int) -> str:
    return services.mail_send(mail_id=mail_id)


@shared_task(name="notifications.mail_sweep", soft_time_limit=60, time_limit=90)
def mail_sweep_task() -> int:
    due = services.mail_sweep()
    for mail_id in due:
        mail_send_task.delay(mail_id)
    return len(due)
