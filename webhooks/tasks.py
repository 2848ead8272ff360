from celery import shared_task

from webhooks import services


@shared_task(name="webhooks.deliver_many", soft_time_limit=240, time_limit=300)
def webhook_deliver_many_task(delivery_ids: list[int]) -> dict[str, int]:
    return services.webhook_deliver_many(delivery_ids=delivery_ids)


@shared_task(name="webhooks.sweep", soft_time_limit=240, time_limit=300)
def webhook_sweep_task() -> dict[str, int]:
    return services.webhook_deliver_many(delivery_ids=services.webhook_sweep())
