from celery import shared_task
from django.core.exceptions import ValidationError

from certificates import services


@shared_task(name="certificates.certificate_issue_due")
def certificate_issue_due_task() -> dict[str, int]:
    return {str(k): v for k, v in services.certificate_issue_due().items()}


@shared_task(name="certificates.certificate_issue_for_course")
def certificate_issue_for_course_task(course_id: int) -> int:
    try:
        return services.certificate_issue_for_course(course_id=course_id)
    except ValidationError:  # not finished (any more): nothing to issue
        return 0


@shared_task(name="certificates.archive_build")
def archive_build_task(archive_id: int) -> str:
    return services.archive_build(archive_id=archive_id)


@shared_task(name="certificates.archive_cleanup")
def archive_cleanup_task() -> int:
    return services.archive_cleanup()
