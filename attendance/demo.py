"""Demo data: attendance rules for the demo courses, and marks for sessions already over."""

from django.db import transaction
from django.utils import timezone

from attendance.models import Attendance, AttendanceSettings
from attendance.selectors import roster_registrations
from courses.demo import TITLE_A, TITLE_B
from courses.models import Course, Session

# Every seventh trainee missed a session, every eleventh came late: a plausible sheet.
ABSENT_EVERY = 7
LATE_EVERY = 11


def seed(*, stdout=None) -> dict[str, int]:
    courses = list(Course.objects.filter(title__in=[TITLE_A, TITLE_B]))
    marks = 0
    with transaction.atomic():
        for course in courses:
            AttendanceSettings.objects.get_or_create(course=course)
            # The demo courses lie ahead; should their first sessions be over, fill those in.
            for session in Session.objects.filter(course=course, ends_at__lte=timezone.now()):
                rows = []
                for n, pk in enumerate(
                    roster_registrations(session)
                    .exclude(attendances__session=session)
                    .values_list("pk", flat=True),
                    start=1,
                ):
                    status = Attendance.Status.PRESENT
                    if n % ABSENT_EVERY == 0:
                        status = Attendance.Status.ABSENT
                    elif n % LATE_EVERY == 0:
                        status = Attendance.Status.LATE
                    rows.append(
                        Attendance(
                            registration_id=pk,
                            session=session,
                            status=status,
                            method=Attendance.Method.LIST,
                            marked_at=session.starts_at,
                        )
                    )
                marks += len(Attendance.objects.bulk_create(rows, ignore_conflicts=True))
    if stdout:
        stdout.write(f"attendance: settings for {len(courses)} courses, {marks} marks")
    return {"attendance": marks}
