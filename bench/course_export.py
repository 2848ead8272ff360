"""`course_export`: the attendance sheet of a course of 600 trainees with 15 sessions, every
session marked, from the request to the file being ready (request, queue, Celery task, file).

Baseline in the same run: plain openpyxl in write-only mode writing the same cells (read back
from the portal's file) from a Python list.
"""

import tempfile
from pathlib import Path

from bench.common import Worker
from bench.exports import administrator, baseline_write, rows_of, run_export, seed_courses

YEAR = 2013
TRAINEES, SESSIONS = 600, 15


def run(*, quick: bool) -> dict:
    from django.conf import settings

    (course,) = seed_courses(
        label="单课程签到表", year=YEAR, courses=1, per_course=TRAINEES, sessions=SESSIONS
    )
    user = administrator()
    repeat = 2 if quick else 5
    worker = Worker("exports", concurrency=1)
    try:
        run_export(user=user, exporter="attendance.sheet", data={"course": course.pk})  # warm-up
        results = [
            run_export(user=user, exporter="attendance.sheet", data={"course": course.pk})
            for _ in range(repeat)
        ]
        peak = worker.peak_rss_mb(pool_only=True)
        peak_main = worker.peak_rss_mb()
    finally:
        worker.stop()
    jobs = [result["job"] for result in results]
    timings = sorted(result["seconds"] for result in results)
    median = timings[len(timings) // 2]
    errors = sum(job.status != "done" for job in jobs)
    rows = jobs[-1].progress_done
    cells = rows_of(Path(settings.MEDIA_ROOT) / jobs[-1].file.name) if not errors else []
    with tempfile.TemporaryDirectory() as tmp:
        baseline_seconds = min(baseline_write(cells, Path(tmp) / "b.xlsx") for _ in range(3))
    rate = rows / median if median else 0.0
    baseline_rate = rows / baseline_seconds if baseline_seconds else 0.0
    return {
        "trainees": TRAINEES,
        "sessions": SESSIONS,
        "rows": rows,
        "throughput": round(rate, 1),
        "p50_ms": round(median * 1000),
        "max_ms": round(timings[-1] * 1000),
        "seconds_each": [round(t, 2) for t in timings],
        "peak_rss_mb": peak,
        "peak_rss_mb_with_main_process": peak_main,
        "errors": errors,
        "baseline": {
            "name": "openpyxl write-only, the same cells from a list",
            "throughput": round(baseline_rate, 1),
            "seconds": round(baseline_seconds, 3),
        },
        "ratio": round(rate / baseline_rate, 3) if baseline_rate else 0.0,
        "targets": {"end_to_end_s": "< 3", "errors": 0},
        "met": errors == 0 and timings[-1] < 3,
    }
