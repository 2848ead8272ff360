"""`registration_rush`: 32 logged-in trainees at a time POST the real registration form for one
course with capacity 300 and regional quotas; 2,000 trainees.

Baselines in the same run: pgbench running the same lock-count-insert transaction against the
bench database (the database's own limit), and a bare Django view doing that transaction in raw
SQL; also reported, that view behind the session, the signed-in trainee and the CSRF check (the
rush's own cookies and form bodies), which is what Django's request cycle costs before the
registration's own work. All three write into a scratch table, so the real registrations stay
clean.
"""

import datetime as dt
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

from bench.common import Gunicorn, open_course, wrk
from bench.urls import RUSH_CAPACITY, SCRATCH

CLIENTS = 32
TRAINEES = 2000
REGIONS = 6

PGBENCH_SCRIPT = f"""\\set region random(1, {REGIONS})
BEGIN;
SELECT id FROM courses_course WHERE id = :course FOR NO KEY UPDATE;
SELECT count(*) AS held FROM {SCRATCH} WHERE course_id = :course AND status = 'confirmed' \\gset
\\if :held < {RUSH_CAPACITY}
INSERT INTO {SCRATCH} (course_id, region_id, status) VALUES (:course, :region, 'confirmed');
\\else
INSERT INTO {SCRATCH} (course_id, region_id, status) VALUES (:course, :region, 'waitlisted');
\\endif
COMMIT;
"""


def _seed(run_id: str, trainees: int) -> dict:
    """One open course with regional quotas, its trainees, each with a session and a CSRF
    token created beforehand (as a login would leave them)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from django.utils.module_loading import import_string

    from accounts.models import Organisation, Region, User
    from courses.models import Quota

    regions = list(Region.objects.exclude(code="99").order_by("sort_order")[:REGIONS])
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"{region.name_zh}人力资源和社会保障厅（压测{run_id}）",
            type="provincial_department",
            region=region,
        )
        for region in regions
    )
    people = User.objects.bulk_create(
        User(
            email=f"rush{run_id}-{n:04d}@bench.test",
            full_name=f"学员{n}",
            phone=f"139{n:08d}",
            position="科长",
            password="!",  # unusable: the sessions below stand for their logins
            organisation=organisations[n % len(organisations)],
        )
        for n in range(trainees)
    )
    course = open_course(
        title=f"报名压力测试培训班{run_id}",
        capacity=RUSH_CAPACITY,
        starts_in_days=20,
        days=2,
        closes_in_days=10,
        session_title="专题讲座",
        region=regions[0],
    )
    quotas = {regions[0].pk: RUSH_CAPACITY // 5, regions[1].pk: RUSH_CAPACITY // 5}
    Quota.objects.bulk_create(
        Quota(course=course, region_id=region_id, seats=seats)
        for region_id, seats in quotas.items()
    )
    # The backend a login records: the first that can load a user (not the lockout one).
    backend = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(path), "get_user")
    )
    store = SessionStore()
    expires = timezone.now() + dt.timedelta(days=1)
    lines, sessions = [], []
    path = f"/enrollment/course/{course.pk}/register/"
    for number, user in enumerate(people):
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        csrf = get_random_string(32)
        organisation = organisations[number % len(organisations)]
        # The form as the page fills it in: the stored profile, confirmed unchanged.
        body = urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "full_name": user.full_name,
                "phone": user.phone,
                "position": "科长",
                "organisation_name": organisation.name,
                "organisation_type": organisation.type,
                "region": organisation.region_id,
                "preferred_language": "zh-hans",
            }
        )
        lines.append(
            f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={csrf}\t{body}"
        )
    Session.objects.bulk_create(sessions, batch_size=1000)
    return {"course": course, "quotas": quotas, "path": path, "lines": lines}


def _scratch(course_id: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {SCRATCH} (id bigserial PRIMARY KEY, "
            "course_id integer NOT NULL, region_id integer NOT NULL, status varchar(20) NOT NULL)"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {SCRATCH}_held ON {SCRATCH} (course_id, status)"
        )
        cursor.execute(f"TRUNCATE {SCRATCH}")


def _pgbench(course_id: int, seconds: int) -> dict:
    url = urlparse(os.environ["DATABASE_URL"])
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    command = ["pgbench", "-n", "-c", str(CLIENTS), "-j", "2", "-T", str(seconds), "-r"]
    command += ["-D", f"course={course_id}"]
    if url.hostname:
        command += ["-h", url.hostname]
    if url.port:
        command += ["-p", str(url.port)]
    if url.username:
        command += ["-U", url.username]
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    try:
        command += ["-f", script.name, url.path.lstrip("/")]
        result = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    finally:
        Path(script.name).unlink()
    tps = float(re.search(r"tps = ([\d.]+)", result.stdout)[1])
    latency = re.search(r"latency average = ([\d.]+) ms", result.stdout)
    return {
        "name": "pgbench, the same lock-count-insert transaction",
        "throughput": round(tps, 1),
        "latency_average_ms": float(latency[1]) if latency else None,
        "clients": CLIENTS,
    }


def _registered(seeded: dict) -> int:
    from enrollment.models import Registration

    return Registration.objects.filter(course=seeded["course"]).count()


class _Watch:
    """Stops the load when every trainee is registered, or when no registration has been
    added for two seconds (a trainee whose POST was lost shows in `trainees_unregistered`)."""

    def __init__(self, seeded: dict, trainees: int):
        self.seeded, self.trainees = seeded, trainees
        self.count, self.started, self.last_change = 0, None, None

    def __call__(self) -> bool:
        now = time.monotonic()
        if self.started is None:
            self.started = self.last_change = now
        count = _registered(self.seeded)
        if count != self.count:
            self.count, self.last_change = count, now
        return count >= self.trainees or (count > 0 and now - self.last_change > 2)


def _invariants(seeded: dict) -> dict:
    from enrollment.models import HELD_STATUSES, Registration

    registrations = Registration.objects.filter(course=seeded["course"])
    held = registrations.filter(status__in=HELD_STATUSES)
    overbooked = max(0, held.count() - RUSH_CAPACITY)
    quota_violations = sum(
        max(0, held.filter(region_id=region_id).count() - seats)
        for region_id, seats in seeded["quotas"].items()
    )
    return {
        "registrations": registrations.count(),
        "trainees_unregistered": 0,
        "seats_held": held.count(),
        "overbooked_seats": overbooked,
        "quota_violations": quota_violations,
    }


def run(*, quick: bool) -> dict:
    run_id = str(int(time.time()))
    trainees = 600 if quick else TRAINEES
    seeded = _seed(run_id, trainees)
    course_id = seeded["course"].pk
    seconds = 5 if quick else 15
    _scratch(course_id)
    pgbench = _pgbench(course_id, seconds)

    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as data:
        data.write("\n".join(seeded["lines"]) + "\n")
    watch = _Watch(seeded, trainees)
    server = Gunicorn()
    try:
        wrk(server.url + "/bench/bare", seconds=1)  # warm-up
        _scratch(course_id)
        bare = wrk(
            server.url + f"/bench/rush/{course_id}/",
            seconds=seconds,
            connections=CLIENTS,
            script=Path(__file__).with_name("baseline.lua"),
        )
        _scratch(course_id)
        signed_in_path = f"/bench/rush-signed-in/{course_id}/"
        signed_in = wrk(
            server.url + signed_in_path,
            seconds=seconds,
            connections=CLIENTS,
            script=Path(__file__).with_name("rush.lua"),
            args=(data.name, signed_in_path, "2"),
        )
        rush = wrk(
            server.url + seeded["path"],
            seconds=300,  # an upper bound: wrk stops when every trainee is registered
            connections=CLIENTS,
            script=Path(__file__).with_name("rush.lua"),
            args=(data.name, seeded["path"], "2"),
            until=watch,
        )
    finally:
        server.stop()
        Path(data.name).unlink()
    _scratch(course_id)
    invariants = _invariants(seeded)
    invariants["trainees_unregistered"] = trainees - invariants["registrations"]
    server_errors = rush.get("status_5xx", 0) + rush.get("status_503", 0)
    # Every trainee's POST answered in `elapsed_s`: the rush's throughput. wrk's own figure
    # would also count the repeated last POSTs while the runner notices the end.
    rush["throughput"] = round(watch.count / max(watch.last_change - watch.started, 0.001), 1)
    ratio = rush["throughput"] / pgbench["throughput"]
    return {
        "trainees": trainees,
        "clients": CLIENTS,
        "capacity": RUSH_CAPACITY,
        "throughput": rush["throughput"],
        "p50_ms": rush["p50_ms"],
        "p95_ms": rush["p95_ms"],
        "p99_ms": rush["p99_ms"],
        "requests": rush["requests"],
        "answers": {
            key: rush.get(key, 0)
            for key in ("status_2xx", "status_3xx", "status_4xx", "status_503", "status_5xx")
        },
        "server_errors": server_errors,
        "socket_errors": rush["socket_errors"],
        **invariants,
        "load_generator_cpu_s": rush["load_generator_cpu_s"],
        "load_generator_cpu_share": round(
            rush["load_generator_cpu_s"] / max(rush["requests"] / rush["throughput"], 0.001), 3
        ),
        "baseline": pgbench,
        "bare_django_transaction_view": bare,
        "ratio_to_bare_view": round(rush["throughput"] / bare["throughput"], 3),
        "bare_signed_in_transaction_view": signed_in,
        "bare_signed_in_ratio_to_pgbench": round(
            signed_in["throughput"] / pgbench["throughput"], 3
        ),
        "ratio_to_bare_signed_in_view": round(rush["throughput"] / signed_in["throughput"], 3),
        "ratio": round(ratio, 3),
        "targets": {
            "ratio": ">= 0.2",
            "p99_ms": "< 150",
            "overbooked_seats": 0,
            "quota_violations": 0,
            "server_errors": 0,
        },
        "met": ratio >= 0.2
        and rush["p99_ms"] < 150
        and invariants["overbooked_seats"] == 0
        and invariants["quota_violations"] == 0
        and server_errors == 0,
    }
