"""`catalogue`: the catalogue page, a Chinese search and a course page with 10,000 courses."""

import datetime as dt
import random
from urllib.parse import quote

from bench.common import Gunicorn, wrk

SEARCH = "高技能"
TOPICS = [
    "高技能人才",
    "职业技能等级认定",
    "技工教育",
    "产教融合",
    "新型学徒制",
    "职业技能竞赛",
    "技能人才评价",
    "企业培训",
    "乡村振兴技能",
    "数字技能",
]
KINDS = ["政策培训班", "专题研修班", "师资培训班", "工作推进会", "经验交流会"]


def grow_courses(total: int) -> int:
    """Add published courses until there are `total`; returns how many exist."""
    from django.utils import timezone

    from accounts.models import Region
    from courses.models import Course

    existing = Course.objects.count()
    if existing >= total:
        return existing
    rng = random.Random(existing)
    regions = list(Region.objects.all())
    today = timezone.localdate()
    batch = []
    for number in range(existing, total):
        starts = today + dt.timedelta(days=rng.randint(-200, 400))
        topic = rng.choice(TOPICS)
        batch.append(
            Course(
                title=f"第{number}期全国{topic}{rng.choice(KINDS)}",
                summary=f"围绕{topic}政策开展专题培训，交流各地实践经验。",
                description=f"## 培训内容\n\n{topic}相关政策解读与案例研讨。",
                category=rng.choice(list(Course.Category.values)),
                venue="培训中心",
                city=rng.choice(regions).name_zh[:2],
                region=rng.choice(regions),
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=rng.randint(0, 5)),
                capacity=rng.choice([50, 100, 200, 500]),
                status=Course.Status.PUBLISHED,
            )
        )
        if len(batch) == 2000:
            Course.objects.bulk_create(batch)
            batch = []
    Course.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh planner statistics after the bulk insert
        cursor.execute("ANALYZE courses_course")
    return Course.objects.count()


def _query_counts(course_id: int) -> dict[str, int]:
    """Queries of each page rendered afresh (the anonymous page cache emptied first)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from courses.caching import bump_version

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, url in _pages(course_id).items():
        bump_version()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[name] = len(queries)
    return counts


def _uncached_ms(course_id: int, repeat: int = 20) -> dict[str, float]:
    """In-process render time of each page with the anonymous page cache bypassed."""
    import time

    from django.test import Client

    from courses.caching import bump_version

    client = Client(HTTP_HOST="127.0.0.1")
    timings = {}
    for name, url in _pages(course_id).items():
        client.get(url)
        elapsed = 0.0
        for _ in range(repeat):
            bump_version()
            started = time.perf_counter()
            client.get(url)
            elapsed += time.perf_counter() - started
        timings[name] = round(elapsed / repeat * 1000, 2)
    return timings


def _pages(course_id: int) -> dict[str, str]:
    return {
        "catalogue": "/courses/",
        "search": f"/courses/?q={quote(SEARCH)}",
        "course": f"/courses/{course_id}/",
    }


def run(*, quick: bool) -> dict:
    from courses.models import Course

    course = Course.objects.filter(sessions__isnull=False).order_by("pk").first()
    grow_courses(100)
    small = _query_counts(course.pk)
    total = grow_courses(10_000)
    large = _query_counts(course.pk)
    uncached = _uncached_ms(course.pk)

    seconds = 3 if quick else 10
    server = Gunicorn()
    try:
        wrk(server.url + "/bench/bare", seconds=2)  # warm-up
        baseline = wrk(server.url + "/bench/bare", seconds=seconds)
        for path in _pages(course.pk).values():
            wrk(server.url + path, seconds=1)  # warm-up: imports, template loading, the cache
        pages = {
            name: wrk(server.url + path, seconds=seconds)
            for name, path in _pages(course.pk).items()
        }
    finally:
        server.stop()
    throughput = min(page["throughput"] for page in pages.values())
    return {
        "courses": total,
        "throughput": throughput,
        "p50_ms": max(page["p50_ms"] for page in pages.values()),
        "p95_ms": max(page["p95_ms"] for page in pages.values()),
        "p99_ms": max(page["p99_ms"] for page in pages.values()),
        "server_errors": sum(page["server_errors"] for page in pages.values()),
        "pages": pages,
        "queries_at_100_courses": small,
        "queries_at_10000_courses": large,
        "queries_constant": small == large,
        "uncached_render_ms": uncached,
        "baseline": {"name": "bare Django view", **baseline},
        "ratio": round(throughput / baseline["throughput"], 3),
        "targets": {"ratio": ">= 0.15", "p95_ms": "< 50", "queries_constant": True},
        "met": throughput / baseline["throughput"] >= 0.15
        and max(page["p95_ms"] for page in pages.values()) < 50
        and small == large,
    }
