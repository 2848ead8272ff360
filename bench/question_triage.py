"""`question_triage`: the organisers' Q&A triage page of the demo's course A (about 160
questions with their votes, answers and duplicates), rendered in the web process.

Timed in process with Django's test client against the production settings, so the figure
is the server's time for the page (session, sign-in, queries, template), without the
network; the baseline is the bare view timed the same way in the same run.
"""

import statistics
import time


def _organiser_client(course):
    from django.test import Client

    organiser = course.organisers.order_by("pk").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(organiser)
    return client


def _times_ms(client, url: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU times of `repeat` requests, each sorted. The CPU time is what a
    busy shared machine distorts least."""
    client.get(url)  # warm-up: imports, template loading, the session
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return sorted(wall), sorted(cpu)


def _query_count(client, url: str) -> tuple[int, bytes]:
    from django.db import connection

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        page = client.get(url)
    return count, page.content


def _percentile(timings: list[float], share: float) -> float:
    return round(timings[min(len(timings) - 1, int(len(timings) * share))], 1)


def run(*, quick: bool) -> dict:
    from django.urls import reverse

    from courses.demo import TITLE_A
    from courses.models import Course

    course = Course.objects.get(title=TITLE_A)
    client = _organiser_client(course)
    url = reverse("questions:question-triage", args=[course.pk])
    queries, content = _query_count(client, url)
    repeat = 5 if quick else 20
    triage, triage_cpu = _times_ms(client, url, repeat)
    bare, _bare_cpu = _times_ms(client, "/bench/bare", repeat)
    throughput = round(1000 / statistics.mean(triage), 1)
    baseline = round(1000 / statistics.mean(bare), 1)
    p50 = _percentile(triage, 0.5)
    return {
        "questions": content.count(b'triage-question"'),
        "queries": queries,
        "html_kb": round(len(content) / 1024),
        "cpu_p50_ms": _percentile(triage_cpu, 0.5),
        "throughput": throughput,
        "p50_ms": p50,
        "p95_ms": _percentile(triage, 0.95),
        "baseline": {"name": "bare Django view, same client", "throughput": baseline},
        "ratio": round(throughput / baseline, 3),
        # The wall-clock time is the goal on a quiet machine; a shared one stretches it, so the
        # target is checked on the CPU time, with the query count that must not grow.
        "targets": {"cpu_p50_ms": "< 300", "queries": "<= 15"},
        "met": _percentile(triage_cpu, 0.5) < 300 and queries <= 15,
    }
