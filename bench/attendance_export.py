"""`attendance_export`: the administrators' attendance across courses, 200,000 confirmed
registrations (400 courses of 500 trainees, two sessions each, every session marked), written
by the Celery task on the exports queue.

Baseline in the same run: plain openpyxl in write-only mode writing the same cells from a
Python list (read from the database beforehand, not timed).
"""

import tempfile
from pathlib import Path

from bench.common import Worker
from bench.exports import administrator, baseline_write, run_export, seed_courses

YEAR = 2011
COURSES, PER_COURSE, SESSIONS = 400, 500, 2
QUICK_COURSES = 40


def _cells(label_year: int) -> list[list]:
    """The export's cells, from one SQL query (the baseline's Python list)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.title, c.starts_on, c.ends_on, r.full_name, r.organisation_name,
                   r.organisation_type, g.name_zh, '', r.phone, u.email,
                   (SELECT count(*) FROM attendance_attendance a
                    WHERE a.registration_id = r.id AND a.status IN ('present', 'late')),
                   %s, 1.0
            FROM enrollment_registration r
            JOIN courses_course c ON c.id = r.course_id
            JOIN accounts_user u ON u.id = r.trainee_id
            JOIN accounts_region g ON g.id = r.region_id
            WHERE c.starts_on BETWEEN %s AND %s AND r.status = 'confirmed'
            ORDER BY c.starts_on, c.id, r.full_name, r.id
            """,
            [SESSIONS, f"{label_year}-01-01", f"{label_year}-12-31"],
        )
        return [list(row) for row in cursor.fetchall()]


def run(*, quick: bool) -> dict:
    courses = QUICK_COURSES if quick else COURSES
    year = YEAR + (1 if quick else 0)
    seed_courses(
        label=f"跨课程{courses}",
        year=year,
        courses=courses,
        per_course=PER_COURSE,
        sessions=SESSIONS,
    )
    rows = courses * PER_COURSE
    cells = [["header"] * 13, *_cells(year)]
    with tempfile.TemporaryDirectory() as tmp:
        baseline_seconds = baseline_write(cells, Path(tmp) / "baseline.xlsx")
    del cells
    baseline_rate = rows / baseline_seconds

    worker = Worker("exports", concurrency=1)
    try:
        # Warm-up: an export of a year without courses loads the code and the translations.
        run_export(
            user=administrator(),
            exporter="attendance.cross_course",
            data={"date_from": "1990-01-01", "date_to": "1990-12-31"},
        )
        result = run_export(
            user=administrator(),
            exporter="attendance.cross_course",
            data={"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"},
        )
        peak = worker.peak_rss_mb(pool_only=True)
        peak_main = worker.peak_rss_mb()
    finally:
        worker.stop()
    job = result["job"]
    rate = job.progress_done / result["seconds"] if job.status == "done" else 0.0
    ratio = rate / baseline_rate
    return {
        "rows": rows,
        "rows_written": job.progress_done,
        "status": job.status,
        "error": job.error,
        "throughput": round(rate, 1),
        "end_to_end_s": round(result["seconds"], 2),
        "file_mb": round(job.size / 1e6, 1),
        "peak_rss_mb": peak,
        "peak_rss_mb_with_main_process": peak_main,
        "errors": int(job.status != "done") + int(job.progress_done != rows),
        "baseline": {
            "name": "openpyxl write-only, the same cells from a list",
            "throughput": round(baseline_rate, 1),
            "seconds": round(baseline_seconds, 2),
        },
        "ratio": round(ratio, 3),
        "targets": {"ratio": ">= 0.6", "peak_rss_mb": "< 200", "errors": 0},
        "met": ratio >= 0.6 and peak < 200 and job.status == "done" and job.progress_done == rows,
    }
