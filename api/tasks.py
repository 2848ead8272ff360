from celery import shared_task

from api.idempotency import idempotency_cleanup


@shared_task(name="api.idempotency_cleanup", soft_time_limit=60, time_limit=90)
def idempotency_cleanup_task() -> int:
    return idempotency_cleanup()
