"""`import`: a 5,000-row nominee spreadsheet (new people, so accounts and invitations too)
imported end to end by the Celery task: accounts, registrations, e-mails queued.

Baseline in the same run: openpyxl reading the same file (read-only, every value). Also
reported: how long the import held the course row locked (online registrations for the course
wait meanwhile), measured by a second connection trying the lock every 20 ms.
"""

import io
import os
import threading
import time
from urllib.parse import urlparse

from openpyxl import Workbook, load_workbook

from bench.common import Worker, open_course

ROWS = 5000
QUICK_ROWS = 1000
HEADER = ["姓名", "电子邮箱", "手机号码", "所在单位", "单位类型", "地区", "职务"]
REGIONS = ["广东省", "浙江省", "四川省", "北京市", "河南省", "湖北省"]


def _spreadsheet(run_id: str, rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n in range(rows):
        region = REGIONS[n % len(REGIONS)]
        sheet.append(
            [
                f"学员{n}",
                f"nominee{run_id}-{n:05d}@import.bench.test",
                f"136{n:08d}",
                f"{region}人力资源和社会保障厅",
                "省级厅局",
                region,
                "科员",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _baseline(data: bytes) -> float:
    started = time.perf_counter()
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for row in book.worksheets[0].iter_rows(values_only=True) if any(row))
    book.close()
    assert count > 1
    return time.perf_counter() - started


class LockProbe(threading.Thread):
    """Tries the course row lock every 20 ms on a connection of its own; `longest` is the
    longest stretch in seconds during which the lock could not be taken."""

    def __init__(self, course_id: int):
        super().__init__(daemon=True)
        self.course_id = course_id
        self.stop = threading.Event()
        self.longest = 0.0

    def run(self) -> None:
        import psycopg2

        url = urlparse(os.environ["DATABASE_URL"])
        connection = psycopg2.connect(
            dbname=url.path.lstrip("/"),
            user=url.username or None,
            password=url.password or None,
            host=url.hostname or None,
            port=url.port or None,
        )
        busy_since = None
        try:
            while not self.stop.is_set():
                with connection.cursor() as cursor:
                    try:
                        cursor.execute(
                            "SELECT id FROM courses_course WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                            [self.course_id],
                        )
                        busy = False
                    except psycopg2.errors.LockNotAvailable:
                        busy = True
                connection.rollback()
                now = time.monotonic()
                if busy and busy_since is None:
                    busy_since = now
                elif not busy and busy_since is not None:
                    self.longest = max(self.longest, now - busy_since)
                    busy_since = None
                time.sleep(0.02)
            if busy_since is not None:
                self.longest = max(self.longest, time.monotonic() - busy_since)
        finally:
            connection.close()


def run(*, quick: bool) -> dict:
    from bench.exports import administrator
    from enrollment.models import ImportJob, Registration
    from enrollment.services.import_jobs import import_job_create
    from notifications.models import OutgoingMail

    rows = QUICK_ROWS if quick else ROWS
    run_id = str(int(time.time()))
    data = _spreadsheet(run_id, rows)
    baseline_seconds = min(_baseline(data) for _ in range(3))
    course = open_course(
        title=f"名单导入压测培训班{run_id}",
        capacity=rows,
        starts_in_days=30,
        days=3,
        closes_in_days=20,
        session_title="开班式",
    )
    user = administrator()
    worker = Worker("default", concurrency=1)
    probe = LockProbe(course.pk)
    try:
        probe.start()
        started = time.perf_counter()
        job = import_job_create(
            course=course, by=user, data=data, original_name="名单.xlsx", language="zh-hans"
        )
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            status = ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)
            if status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
                break
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        probe.stop.set()
        probe.join()
        peak = worker.peak_rss_mb(pool_only=True)
        peak_main = worker.peak_rss_mb()
    finally:
        probe.stop.set()
        worker.stop()
    job.refresh_from_db()
    registered = Registration.objects.filter(course=course).count()
    mails = OutgoingMail.objects.filter(
        to_email__endswith="@import.bench.test", to_email__contains=f"nominee{run_id}-"
    ).count()
    rate = rows / elapsed if job.status == "done" else 0.0
    baseline_rate = rows / baseline_seconds
    ratio = rate / baseline_rate
    errors = int(job.status != "done") + abs(rows - registered)
    return {
        "rows": rows,
        "status": job.status,
        "registrations": registered,
        "mails_queued": mails,
        "throughput": round(rate, 1),
        "end_to_end_s": round(elapsed, 2),
        "course_lock_held_s": round(probe.longest, 2),
        "peak_rss_mb": peak,
        "peak_rss_mb_with_main_process": peak_main,
        "errors": errors,
        "baseline": {
            "name": "openpyxl reading the same file",
            "throughput": round(baseline_rate, 1),
            "seconds": round(baseline_seconds, 3),
        },
        "ratio": round(ratio, 3),
        "targets": {"ratio": ">= 0.3", "errors": 0},
        "met": ratio >= 0.3 and errors == 0,
    }
