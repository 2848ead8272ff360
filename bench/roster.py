"""`roster`: the session roster of the demo data's largest session (448 trainees), every
trainee marked and one mark in ten corrected, rendered in process by the production settings
(middleware, view, queries, template) through Django's test client: server time, without the
network.

Baseline in the same run: the bare Django view through the same client. The query count is
compared between the whole roster and the roster searched down to a few trainees.
"""

import statistics
import time

CORRECT_EVERY = 10


def _largest_session():
    from django.db.models import Count, Q

    from courses.models import Session
    from enrollment.models import Registration

    return (
        Session.objects.filter(discussion_group__isnull=True)
        .annotate(
            trainees=Count(
                "course__registrations",
                filter=Q(course__registrations__status=Registration.Status.CONFIRMED),
            )
        )
        .select_related("course")
        .order_by("-trainees", "pk")
        .first()
    )


def _mark_everyone(session, by) -> int:
    """Every trainee present, then one in ten corrected to absent (done once)."""
    from attendance import services
    from attendance.models import Attendance
    from attendance.selectors import roster_registrations

    ids = sorted(roster_registrations(session).values_list("pk", flat=True))
    if Attendance.objects.filter(session=session).count() < len(ids):
        services.attendance_mark(
            session_id=session.pk, registration_ids=ids, status="present", by=by
        )
        services.attendance_mark(
            session_id=session.pk,
            registration_ids=ids[::CORRECT_EVERY],
            status="absent",
            reason="benchmark: corrected after the sign-in sheet",
            by=by,
        )
    return len(ids)


def _timings_ms(client, url: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of this process per request, each sorted. The CPU time
    leaves out PostgreSQL's share and moves less when other programs share the machine."""
    client.get(url)  # warm-up: imports, template loading
    timings, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return sorted(timings), sorted(cpu)


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def _percentile(timings: list[float], share: float) -> float:
    return round(timings[min(len(timings) - 1, int(len(timings) * share))], 1)


def run(*, quick: bool) -> dict:
    from django.test import Client
    from django.urls import reverse

    from bench.exports import administrator

    session = _largest_session()
    user = administrator()
    trainees = _mark_everyone(session, user)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = reverse("attendance:session-roster", args=[session.pk])
    repeat = 10 if quick else 40
    timings, cpu = _timings_ms(client, url, repeat)
    baseline, _cpu = _timings_ms(client, "/bench/bare", repeat)
    queries_all = _queries(client, url)
    queries_few = _queries(client, url + "?q=%E5%BC%A0")  # 张: a handful of trainees
    p50, base_p50 = statistics.median(timings), statistics.median(baseline)
    p95 = _percentile(timings, 0.95)
    return {
        "trainees": trainees,
        "corrected": len(range(0, trainees, CORRECT_EVERY)),
        "throughput": round(1000 / p50, 1),
        "p50_ms": round(p50, 1),
        "p95_ms": p95,
        "max_ms": round(timings[-1], 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "queries_whole_roster": queries_all,
        "queries_searched_roster": queries_few,
        "queries_constant": queries_all == queries_few,
        "baseline": {
            "name": "bare Django view, same client",
            "throughput": round(1000 / base_p50, 1),
            "p50_ms": round(base_p50, 2),
        },
        "ratio": round(base_p50 / p50, 3),
        "targets": {"p50_ms": "< 300", "queries_constant": True},
        "met": p50 < 300 and queries_all == queries_few,
    }
