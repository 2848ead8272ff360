from celery import shared_task

from feedback import services


@shared_task(name="feedback.survey_notify")
def survey_notify_task() -> int:
    return services.survey_notify()
