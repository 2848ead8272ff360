from celery import shared_task

from notifications import services


@shared_task(name="notifications.mail_send", soft_time_limit=60, time_limit=90)
def mail_send_task(mail_id: int) -> str:
    return services.mail_send(mail_id=mail_id)


@shared_task(name="notifications.mail_send_many", soft_time_limit=240, time_limit=300)
def mail_send_many_task(mail_ids: list[int]) -> dict[str, int]:
    return services.mail_send_many(mail_ids=mail_ids)


@shared_task(name="notifications.mail_dispatch", soft_time_limit=60, time_limit=90)
def mail_dispatch_task(mail_ids: list[int]) -> int:
    """Queue the batches of a large transaction's messages (see `services.mail_dispatch`)."""
    services.mail_dispatch(mail_ids, fan_out=False)
    return len(mail_ids)


@shared_task(name="notifications.mail_sweep", soft_time_limit=60, time_limit=90)
def mail_sweep_task() -> int:
    due = services.mail_sweep()
    services.mail_dispatch(due, fan_out=False)
    return len(due)
