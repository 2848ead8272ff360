from celery import shared_task

from attendance import services


@shared_task(name="attendance.attendance_mark_absent")
def attendance_mark_absent_task() -> int:
    return services.attendance_mark_absent()
