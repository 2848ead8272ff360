import logging

from celery import shared_task

from jobs.dispatch import enqueue
from webhooks import services
from webhooks.events import BATCH_SIZE

logger = logging.getLogger(__name__)


@shared_task(name="webhooks.deliver_many", soft_time_limit=240, time_limit=300)
def webhook_deliver_many_task(delivery_ids: list[int]) -> dict[str, int]:
    return services.webhook_deliver_many(delivery_ids=delivery_ids)


@shared_task(name="webhooks.sweep", soft_time_limit=60, time_limit=90)
def webhook_sweep_task() -> int:
    """Hand out the due deliveries (retries, and any whose task was lost) in batches."""
    due = services.webhook_sweep()
    for start in range(0, len(due), BATCH_SIZE):
        enqueue("webhooks.deliver_many", due[start : start + BATCH_SIZE], log=logger)
    return len(due)
