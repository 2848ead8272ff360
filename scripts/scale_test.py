"""`make scale-test`: the portal as several hosts would run it, on one machine.

Two gunicorn instances and two Celery workers run as separate processes on one PostgreSQL
and one Redis, behind a small round-robin proxy. Trainees log in and register for one course
through the proxy while an administrator requests exports on both web instances; one worker is
killed (SIGKILL) in the middle. Then the invariants are checked: no seat oversold, no quota
exceeded, one registration per trainee, every e-mail sent exactly once, every export finished,
and no server error other than the documented "busy" answer (503).

`--short` is the version `make test` runs. Exit code 0 when every check holds.
"""

import argparse
import asyncio
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "scale-test-password-2026"


# --- a round-robin TCP proxy ----------------------------------------------------------------


class RoundRobinProxy(threading.Thread):
    """Hands each new connection to the next backend in turn."""

    def __init__(self, backends: list[int]):
        super().__init__(daemon=True)
        self.backends = backends
        self.port = _free_port()
        self.counter = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer):
        backend = self.backends[self.counter % len(self.backends)]
        self.counter += 1
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", backend)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer)
        )

    def run(self):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port)
        )
        self.ready.set()
        try:
            self.loop.run_forever()
        finally:
            server.close()


# --- processes ------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


class Processes:
    def __init__(self, env: dict, log_dir: Path):
        self.env = env
        self.log_dir = log_dir
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the run
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        self.running.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.terminate()
        for process in self.running:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


# --- an HTTP client with cookies and CSRF ---------------------------------------------------


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        headers = {"Connection": "close"}
        if data is not None:
            body = urllib.parse.urlencode(
                {**data, "csrfmiddlewaretoken": self._csrf()}, doseq=True
            ).encode()
            headers["Referer"] = self.base + path
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def login(self, email: str) -> int:
        self.request("/accounts/login/")
        status, _ = self.request("/accounts/login/", {"login": email, "password": PASSWORD})
        return status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# --- the run --------------------------------------------------------------------------------


def _setup_database(env: dict, name: str) -> None:
    import psycopg2

    url = urllib.parse.urlparse(env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres")
    connection = psycopg2.connect(
        dbname="postgres",
        user=url.username or None,
        password=url.password or None,
        host=url.hostname or None,
        port=url.port or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    connection.close()


def _seed(trainees: int, capacity: int) -> dict:
    """One open course with regional quotas, its trainees and an administrator."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from accounts.models import Organisation, Region, User
    from bench.common import open_course
    from courses.models import Quota

    regions = list(Region.objects.exclude(code="99").order_by("sort_order")[:6])
    password = make_password(PASSWORD)
    organisations = [
        Organisation.objects.create(
            name=f"{region.name_zh}人力资源和社会保障厅",
            type="provincial_department",
            region=region,
        )
        for region in regions
    ]
    admin = User.objects.create(
        email="admin@scale.test", full_name="管理员", password=password, is_staff=True
    )
    admin.groups.add(Group.objects.get(name="administrator"))
    people = User.objects.bulk_create(
        User(
            email=f"t{n:04d}@scale.test",
            full_name=f"学员{n}",
            phone=f"139{n:08d}",
            password=password,
            organisation=organisations[n % len(organisations)],
        )
        for n in range(trainees)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in [admin, *people]
    )
    course = open_course(
        title="扩容测试培训班",
        capacity=capacity,
        starts_in_days=20,
        days=2,
        closes_in_days=10,
        session_title="专题讲座",
        venue="北京",
        region=regions[0],
    )
    course.organisers.add(admin)
    quotas = {regions[0].pk: capacity // 5, regions[1].pk: capacity // 5}
    for region_id, seats in quotas.items():
        Quota.objects.create(course=course, region_id=region_id, seats=seats)
    return {
        "course": course.pk,
        "quotas": quotas,
        "regions": [r.pk for r in regions],
        "people": [p.email for p in people],
    }


def _register(base: str, email: str, course_id: int, region_id: int, results: list) -> None:
    browser = Browser(base)
    status = browser.login(email)
    if status != 302:
        results.append(("login", status))
        return
    path = f"/enrollment/course/{course_id}/register/"
    status, _ = browser.request(path)
    status, _ = browser.request(
        path,
        {
            "full_name": "学员" + email[1:5],
            "phone": "139" + email[1:5].rjust(8, "0"),
            "position": "科长",
            "organisation_name": "测试单位",
            "organisation_type": "provincial_department",
            "region": region_id,
            "preferred_language": "zh-hans",
        },
    )
    results.append(("register", status))


def _production_env() -> tuple[dict, str]:
    """The environment of the processes and the name of the run's own database.

    The production configuration: nothing of a development or test environment leaks in;
    only where the services are comes from .env.
    """
    for key in list(os.environ):
        if key.startswith(("DJANGO_", "PORTAL_", "EMAIL_", "CELERY_")):
            del os.environ[key]
    env = dict(os.environ)
    for line in (ROOT / ".env").read_text().splitlines() if (ROOT / ".env").exists() else []:
        key, _, value = line.partition("=")
        if key.strip() in ("DATABASE_URL", "REDIS_URL"):
            env.setdefault(key.strip(), value.strip())
    # A database per checkout (named after its own), so checkouts sharing a server never drop
    # each other's.
    base = env.get("DATABASE_URL", "postgres:///portal")
    database = base.rsplit("/", 1)[1] + "_scale"
    env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + database
    return env, database


class _Sink:
    """An SMTP handler that keeps the message key of every e-mail delivered."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        match = re.search(rb"X-Portal-Message-Key: ([^\r\n]+)", envelope.content)
        with self.lock:
            self.keys.append(match.group(1).decode() if match else "")
        return "250 OK"


def _start_smtp(sink: _Sink) -> "Controller":
    """An SMTP server on a free port that hands each e-mail to `sink`; stop it when done."""
    from aiosmtpd.controller import Controller

    smtp = Controller(sink, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    return smtp


def _setup_django(env: dict, database: str, media: Path) -> None:
    """This process as the web instances run: the run's database migrated, static collected."""
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DJANGO_SETTINGS_MODULE",
                "DATABASE_URL",
                "EMAIL_URL",
                "PORTAL_MEDIA_ROOT",
                "PORTAL_BROKER_PREFIX",
                "PORTAL_CACHE_PREFIX",
                "PORTAL_EXPORT_STALE_SECONDS",
            )
        }
    )
    _setup_database(env, database)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = media
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _worker_name(number: int) -> str:
    return f"scale{number}-{os.getpid()}@localhost"


def _start_web(processes: Processes) -> list[int]:
    """Two gunicorn instances; their ports."""
    web_ports = [_free_port(), _free_port()]
    for number, port in enumerate(web_ports, start=1):
        processes.start(
            f"web{number}",
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "60",
            ],
        )
    return web_ports


def _start_workers(processes: Processes) -> list[subprocess.Popen]:
    """Two Celery workers on every queue."""
    return [
        processes.start(
            f"worker{number}",
            [
                str(ROOT / ".venv/bin/celery"),
                "-A",
                "portal",
                "worker",
                "-Q",
                "default,mail,exports",
                "--concurrency",
                "2",
                "-n",
                _worker_name(number),
                "--without-mingle",
                "--without-gossip",
            ],
        )
        for number in (1, 2)
    ]


def _wait_for_workers() -> None:
    """Both workers must be consuming before the rush (slow to start on a busy machine)."""
    from portal.celery import app as celery_app

    names = [_worker_name(number) for number in (1, 2)]
    ready_by = time.monotonic() + 120
    while len(celery_app.control.ping(destination=names, timeout=1.0) or []) < 2:
        if time.monotonic() > ready_by:
            raise RuntimeError("the workers did not start")


def _request_exports(web_ports: list[int], exports: int, failures: list[str]) -> list[int]:
    """Exports, requested on each web instance directly; the answers to the requests."""
    admins = [Browser(f"http://127.0.0.1:{port}") for port in web_ports]
    for admin in admins:
        if admin.login("admin@scale.test") != 302:
            failures.append("administrator could not log in")
    export_statuses = []
    for number in range(exports):
        admin = admins[number % 2]
        admin.request("/exports/")
        status, _ = admin.request(
            "/exports/new/accounts.people/", {"region": "", "organisation_type": ""}
        )
        export_statuses.append(status)
    return export_statuses


def _rush(base: str, seeded: dict, victim: subprocess.Popen) -> list:
    """Every trainee registers at once through `base`; `victim` is killed mid-way."""
    results: list = []
    threads = [
        threading.Thread(
            target=_register,
            args=(
                base,
                email,
                seeded["course"],
                seeded["regions"][n % len(seeded["regions"])],
                results,
            ),
        )
        for n, email in enumerate(seeded["people"])
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    victim.send_signal(signal.SIGKILL)  # one worker dies mid-way
    victim.wait()
    for thread in threads:
        thread.join()
    return results


def _sweep_until_done() -> None:
    """The beat's sweeps, as the surviving worker would get them, until nothing is left."""
    from exports.models import ExportJob
    from exports.tasks import export_sweep_task
    from notifications.models import OutgoingMail
    from notifications.tasks import mail_sweep_task

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        mail_sweep_task.delay()
        export_sweep_task.delay()
        pending_mail = OutgoingMail.objects.exclude(status="sent").count()
        open_exports = ExportJob.objects.exclude(status__in=["done", "failed"]).count()
        if not pending_mail and not open_exports:
            break
        time.sleep(3)
    time.sleep(2)


def _observed(seeded: dict, results: list, mail_keys: list[str], victim: subprocess.Popen) -> dict:
    """What the run left, for the summary."""
    from enrollment.models import Registration
    from exports.models import ExportJob

    outcome = Counter(
        Registration.objects.filter(course_id=seeded["course"]).values_list("status", flat=True)
    )
    return {
        "answers": dict(Counter(status for _kind, status in results)),
        "registrations": dict(outcome),
        "emails_delivered": len(mail_keys),
        "exports_done": ExportJob.objects.filter(status="done").count(),
        "worker_killed": victim.returncode == -signal.SIGKILL,
    }


def _run(
    processes: Processes, seeded: dict, *, exports: int, capacity: int, sink: _Sink
) -> tuple[list[str], dict]:
    """Start the hosts, request the exports, rush, kill a worker, sweep; then check."""
    web_ports = _start_web(processes)
    workers = _start_workers(processes)
    for port in web_ports:
        _wait_port(port)
    proxy = RoundRobinProxy(web_ports)
    proxy.start()
    proxy.ready.wait()
    _wait_for_workers()
    failures: list[str] = []
    export_statuses = _request_exports(web_ports, exports, failures)
    # The rush: every trainee at once, through the round-robin proxy.
    results = _rush(f"http://127.0.0.1:{proxy.port}", seeded, workers[0])
    _sweep_until_done()
    failures += _check(seeded, results, export_statuses, sink.keys, capacity)
    return failures, _observed(seeded, results, sink.keys, workers[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="the short form run by make test")
    options = parser.parse_args()
    trainees, capacity, exports = (48, 20, 2) if options.short else (240, 100, 6)

    env, database = _production_env()
    log_dir = ROOT / ".local" / "scale-test"
    log_dir.mkdir(parents=True, exist_ok=True)
    media = ROOT / ".local" / "scale-media"
    sink = _Sink()
    smtp = _start_smtp(sink)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        PORTAL_MEDIA_ROOT=str(media),
        PORTAL_EXPORT_STALE_SECONDS="4",
        PORTAL_BROKER_PREFIX=f"scale{os.getpid()}:",
        PORTAL_CACHE_PREFIX=f"scale{os.getpid()}",
    )
    _setup_django(env, database, media)
    seeded = _seed(trainees, capacity)

    processes = Processes(env, log_dir)
    try:
        failures, observed = _run(processes, seeded, exports=exports, capacity=capacity, sink=sink)
    finally:
        processes.stop_all()
        smtp.stop()
    summary = {
        "trainees": trainees,
        "capacity": capacity,
        "exports": exports,
        **observed,
        "failures": failures,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    print("scale test: " + ("PASSED" if not failures else "FAILED"))
    return 0 if not failures else 1


# --- the checks -----------------------------------------------------------------------------


def _check(
    seeded: dict, results: list, export_statuses: list[int], mail_keys: list[str], capacity: int
) -> list[str]:
    """Every invariant of the run; a sentence for each that does not hold."""
    statuses = Counter(status for kind, status in results if kind == "register")
    logins = Counter(status for kind, status in results if kind == "login")
    return [
        *_errors_and_logins(statuses, logins),
        *_seat_failures(seeded, capacity),
        *_answer_failures(seeded, statuses),
        *_mail_failures(mail_keys),
        *_export_failures(export_statuses),
    ]


def _errors_and_logins(statuses: Counter, logins: Counter) -> list[str]:
    """No server error but the documented "busy" (503); every trainee logged in."""
    failures = []
    server_errors = {status: n for status, n in statuses.items() if status >= 500 and status != 503}
    if server_errors:
        failures.append(f"server errors other than 503: {server_errors}")
    if logins:
        failures.append(f"some trainees could not log in: {dict(logins)}")
    return failures


def _seat_failures(seeded: dict, capacity: int) -> list[str]:
    """No seat oversold, no quota exceeded, one registration per trainee."""
    from django.db.models import Count

    from enrollment.models import Registration

    failures = []
    registrations = Registration.objects.filter(course_id=seeded["course"])
    held = registrations.filter(status__in=["confirmed", "pending"])
    if held.count() > capacity:
        failures.append(f"oversold: {held.count()} seats held of {capacity}")
    for region_id, seats in seeded["quotas"].items():
        taken = held.filter(region_id=region_id).count()
        if taken > seats:
            failures.append(f"quota exceeded in region {region_id}: {taken} > {seats}")
    duplicates = registrations.values("trainee").annotate(n=Count("pk")).filter(n__gt=1).count()
    if duplicates:
        failures.append(f"{duplicates} trainees have more than one registration")
    return failures


def _answer_failures(seeded: dict, statuses: Counter) -> list[str]:
    """The form answered "registered" (302) or "busy" (503), and each 302 stored one row."""
    from enrollment.models import Registration

    failures = []
    unexpected = {status: n for status, n in statuses.items() if status not in (302, 503)}
    if unexpected:
        failures.append(f"unexpected answers to the registration form: {unexpected}")
    stored = Registration.objects.filter(course_id=seeded["course"]).count()
    if stored != statuses.get(302, 0):
        failures.append(f"{statuses.get(302, 0)} registrations accepted but {stored} stored")
    return failures


def _mail_failures(mail_keys: list[str]) -> list[str]:
    """Every queued e-mail delivered, none twice."""
    from notifications.models import OutgoingMail

    failures = []
    if Counter(mail_keys) and max(Counter(mail_keys).values()) > 1:
        failures.append("an e-mail was delivered twice")
    rows = OutgoingMail.objects.count()
    if len(set(mail_keys)) != rows or OutgoingMail.objects.exclude(status="sent").exists():
        failures.append(f"e-mails: {rows} queued, {len(set(mail_keys))} delivered")
    return failures


def _export_failures(export_statuses: list[int]) -> list[str]:
    """Every export request accepted and every export finished."""
    from exports.models import ExportJob

    failures = []
    if any(status != 302 for status in export_statuses):
        failures.append(f"export requests answered {export_statuses}")
    unfinished = ExportJob.objects.exclude(status="done").count()
    if unfinished or ExportJob.objects.count() != len(export_statuses):
        failures.append(f"{unfinished} exports did not finish")
    return failures


if __name__ == "__main__":
    sys.exit(main())
