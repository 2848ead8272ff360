"""Shared by the export benchmarks: the seeding, one export end to end, and the baseline.

Seeding goes through raw SQL (INSERT ... SELECT over generate_series) for the bulk rows:
200,000 registrations and their attendance marks take seconds, not minutes.
"""

import datetime as dt
import time
from pathlib import Path

from openpyxl import Workbook

# Each set of bench courses sits in a year of its own, so a date-range export finds only them.
MARKER = "【导出压测】"


def administrator():
    from accounts.models import User
    from accounts.roles import Role

    return (
        User.objects.filter(groups__name=str(Role.ADMINISTRATOR)).order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )


def trainees(count: int) -> list[int]:
    """Ids of `count` bench trainees (created once, reused by later runs)."""
    from accounts.models import Organisation, Region, User

    existing = list(
        User.objects.filter(email__endswith="@export.bench.test")
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    if len(existing) >= count:
        return existing
    regions = list(Region.objects.exclude(code="99").order_by("sort_order"))
    organisations = [
        Organisation.objects.get_or_create(
            name=f"{region.name_zh}人力资源和社会保障厅（导出压测）",
            region=region,
            defaults={"type": "provincial_department"},
        )[0]
        for region in regions
    ]
    start = len(existing)
    User.objects.bulk_create(
        (
            User(
                email=f"export{n:06d}@export.bench.test",
                full_name=f"导出学员{n}",
                phone=f"137{n:08d}",
                password="!",
                organisation=organisations[n % len(organisations)],
            )
            for n in range(start, count)
        ),
        batch_size=2000,
    )
    return list(
        User.objects.filter(email__endswith="@export.bench.test")
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )


def seed_courses(*, label: str, year: int, courses: int, per_course: int, sessions: int) -> list:
    """`courses` published courses in `year`, each with `sessions`
    sessions, `per_course` confirmed registrations and every mark of the sessions held (about
    one in ten absent). Done once: later runs find the courses by title."""
    from django.db import connection

    from courses.models import Course, Session

    title = f"{MARKER}{label}"
    found = list(Course.objects.filter(title__startswith=title).order_by("pk"))
    if len(found) == courses:
        return found
    Course.objects.filter(title__startswith=title).delete()
    people = trainees(per_course)
    start = dt.date(year, 1, 1)
    created = Course.objects.bulk_create(
        Course(
            title=f"{title}第{n}期",
            status=Course.Status.PUBLISHED,
            capacity=per_course,
            starts_on=start + dt.timedelta(days=n % 300),
            ends_on=start + dt.timedelta(days=n % 300 + 2),
            venue="培训中心",
            city="北京",
        )
        for n in range(courses)
    )
    ids = [course.pk for course in created]
    Session.objects.bulk_create(
        (
            Session(
                course=course,
                kind="special_lecture",
                title=f"专题讲座{number + 1}",
                order=number,
                starts_at=dt.datetime(
                    course.starts_on.year,
                    course.starts_on.month,
                    course.starts_on.day,
                    tzinfo=dt.UTC,
                )
                + dt.timedelta(hours=2 * number),
                ends_at=dt.datetime(
                    course.starts_on.year,
                    course.starts_on.month,
                    course.starts_on.day,
                    tzinfo=dt.UTC,
                )
                + dt.timedelta(hours=2 * number + 1),
            )
            for course in created
            for number in range(sessions)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO enrollment_registration (
                course_id, trainee_id, status, source, full_name, organisation_name,
                organisation_type, region_id, position, phone, created_at, decision_reason,
                cancel_reason)
            SELECT c.id, u.id, 'confirmed', 'online', u.full_name, o.name, o.type, o.region_id,
                   '科员', u.phone, now(), '', ''
            FROM unnest(%s::bigint[]) AS c(id)
            CROSS JOIN unnest(%s::bigint[]) AS p(id)
            JOIN accounts_user u ON u.id = p.id
            JOIN accounts_organisation o ON o.id = u.organisation_id
            """,
            [ids, people],
        )
        # Every session is marked for every trainee.
        cursor.execute(
            """
            INSERT INTO attendance_attendance (
                registration_id, session_id, status, remark, method, marked_at)
            SELECT r.id, s.id,
                   CASE WHEN (r.id + s.id) %% 10 = 0 THEN 'absent' ELSE 'present' END,
                   '', 'manual', s.starts_at
            FROM enrollment_registration r
            JOIN courses_session s ON s.course_id = r.course_id
            WHERE r.course_id = ANY(%s)
            """,
            [ids],
        )
        cursor.execute("ANALYZE enrollment_registration")
        cursor.execute("ANALYZE attendance_attendance")
        cursor.execute("ANALYZE courses_session")
        cursor.execute("ANALYZE courses_course")
    return created


def run_export(*, user, exporter: str, data: dict, timeout: float = 600) -> dict:
    """Request an export as `user` would, and wait for its file: seconds end to end."""
    from django.utils import translation

    from exports.models import ExportJob
    from exports.services import export_request

    started = time.perf_counter()
    job = export_request(user=user, exporter=exporter, data=data, language="zh-hans")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = ExportJob.objects.values_list("status", flat=True).get(pk=job.pk)
        if status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            break
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    translation.activate("zh-hans")
    return {"job": job, "seconds": elapsed}


def rows_of(path) -> list[list]:
    """Every row of the first sheet of a finished export (the header included)."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def baseline_write(rows: list[list], path: Path) -> float:
    """Seconds plain openpyxl (write-only) takes to write `rows` and save the file."""
    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet")
    for row in rows:
        sheet.append(row)
    book.save(path)
    return time.perf_counter() - started
