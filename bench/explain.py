"""EXPLAIN (ANALYZE, BUFFERS) of the hot queries in the bench database, at 10,000 courses and
the 200,000 registrations of the `attendance_export` benchmark (run that first, or
`bench/run.py --only attendance_export`). Prints each query's plan; bench/EXPLAIN.md has the
findings. Usage: .venv/bin/python bench/explain.py
"""

import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _queries() -> dict:
    from django.db.models import Count, Q
    from django.utils import timezone

    from accounts.models import User
    from attendance.exporters import AttendanceSheetExporter, CrossCourseAttendanceExporter
    from courses.models import Course
    from courses.selectors import course_catalogue
    from enrollment.models import ACTIVE_STATUSES, HELD_STATUSES, Registration
    from notifications.models import OutgoingMail

    big = (
        Course.objects.annotate(n=Count("registrations"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    trainee = Registration.objects.filter(course_id=big).values_list("trainee_id", flat=True)[0]
    emails = list(
        Registration.objects.filter(course_id=big).values_list("trainee__email", flat=True)[:1000]
    )
    waiting = Registration.objects.filter(status="waitlisted").first()
    catalogue = course_catalogue()
    parts = catalogue._parts()
    querysets = {
        "catalogue, upcoming part of page 1": parts[0][1].order_by(*parts[0][2])[:20],
        "catalogue, past part of page 1": parts[2][1].order_by(*parts[2][2])[:20],
        "catalogue count": Course.objects.filter(status="published").order_by().values("pk"),
        "seats taken of a catalogue page (20 courses)": Registration.objects.filter(
            course_id__in=list(Course.objects.values_list("pk", flat=True)[:20]),
            status__in=HELD_STATUSES,
        )
        .values("course_id")
        .annotate(n=Count("id")),
        "seat state under the course lock (held seats by region)": Registration.objects.filter(
            course_id=big, status__in=HELD_STATUSES
        )
        .values("region_id")
        .annotate(n=Count("id")),
        "a trainee's active registration for a course": Registration.objects.filter(
            course_id=big, trainee_id=trainee, status__in=ACTIVE_STATUSES
        ),
        "My courses (a trainee's registrations)": Registration.objects.filter(
            trainee_id=trainee
        ).select_related("course"),
        "nominee check: already registered, 1,000 addresses": Registration.objects.filter(
            course_id=big, status__in=ACTIVE_STATUSES, trainee__email__in=emails
        ).values_list("trainee__email", flat=True),
        "nominee accounts: existing users by address, 1,000 addresses": User.objects.filter(
            email__in=emails
        ).values_list("pk", flat=True),
        "outbox: keys already queued, 1,000 keys": OutgoingMail.objects.filter(
            key__in=[f"registration:{n}:confirmed" for n in range(1000)]
        ).values_list("key", flat=True),
        "outbox sweeper: pending messages due": OutgoingMail.objects.filter(
            status="pending", next_attempt_at__lte=timezone.now()
        ).values_list("pk", flat=True)[:500],
    }
    if waiting is not None:
        querysets["waiting-list position"] = Registration.objects.filter(
            course_id=waiting.course_id, status="waitlisted"
        ).filter(
            Q(waitlisted_at__lt=waiting.waitlisted_at)
            | Q(waitlisted_at=waiting.waitlisted_at, pk__lt=waiting.pk)
        )
    year = Course.objects.filter(title__contains="跨课程400").values_list("starts_on", flat=True)
    start = year.order_by("starts_on").first() or dt.date(2011, 1, 1)
    cross = CrossCourseAttendanceExporter(
        {
            "date_from": f"{start.year}-01-01",
            "date_to": f"{start.year}-12-31",
            "region": "",
            "organisation_type": "",
        }
    )
    querysets["cross-course export: count"] = cross.queryset().order_by().values("pk")
    sheet = AttendanceSheetExporter({"course": big})
    querysets["attendance sheet: confirmed of one course"] = sheet.confirmed()
    return querysets, cross


def main() -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.argv = sys.argv[:1]
    from bench.common import bench_database_url

    os.environ["DATABASE_URL"] = bench_database_url()
    import django

    django.setup()
    from django.db import connection

    from bench.catalogue import grow_courses
    from enrollment.models import Registration

    courses = grow_courses(10_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"-- {courses} courses, {Registration.objects.count()} registrations\n")
    querysets, cross = _queries()
    for name, queryset in querysets.items():
        print(f"== {name}")
        print(queryset.explain(analyze=True, buffers=True))
        print()
    print("== cross-course export: the rows, in order (first 2,000, one chunk)")
    rows = cross.rows()[:2000]
    print(rows.explain(analyze=True, buffers=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
