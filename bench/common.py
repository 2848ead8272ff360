"""Processes, load generation and measurements shared by the benchmarks."""

import json
import os
import platform
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
LOG_DIR = ROOT / ".local" / "bench-logs"


def dotenv(key: str) -> str:
    """A setting from the project's .env, or ""."""
    env_file = ROOT / ".env"
    if env_file.exists():
        for line in env_file.read_text(encoding="utf-8").splitlines():
            if line.startswith(f"{key}="):
                return line.split("=", 1)[1].strip()
    return ""


def bench_database_url() -> str:
    """The benchmarks' own database: the portal's (DATABASE_URL, else .env) with `_bench`
    after its name, so the demo data is never touched."""
    base = os.environ.get("DATABASE_URL") or dotenv("DATABASE_URL") or "postgres:///portal"
    return base.rsplit("/", 1)[0] + "/" + base.rsplit("/", 1)[1] + "_bench"


def open_course(
    *,
    title: str,
    capacity: int,
    starts_in_days: int,
    days: int,
    closes_in_days: int,
    session_title: str,
    venue: str = "培训中心",
    city: str = "北京",
    region=None,
):
    """A published course open for registration since yesterday, starting in
    `starts_in_days` and lasting `days`, with one two-hour special lecture when it starts.
    Call after django.setup()."""
    import datetime as dt

    from django.utils import timezone

    from courses.models import Course, Session

    today = timezone.localdate()
    course = Course.objects.create(
        title=title,
        status=Course.Status.PUBLISHED,
        capacity=capacity,
        starts_on=today + dt.timedelta(days=starts_in_days),
        ends_on=today + dt.timedelta(days=starts_in_days + days - 1),
        registration_opens_at=timezone.now() - dt.timedelta(days=1),
        registration_closes_at=timezone.now() + dt.timedelta(days=closes_in_days),
        venue=venue,
        city=city,
        region=region,
    )
    starts = timezone.now() + dt.timedelta(days=starts_in_days)
    Session.objects.create(
        course=course,
        kind="special_lecture",
        title=session_title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    return course


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(**extra: str) -> dict:
    return dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", **extra)


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


class Gunicorn:
    """The production web server with the bench settings, on a free loopback port."""

    # The deployment's defaults for two cores (deploy/portal.env.example).
    def __init__(self, workers: int = 4, threads: int = 1):
        self.port = free_port()
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log = open(LOG_DIR / "gunicorn.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(VENV / "gunicorn"),
                "portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=bench_env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_port(self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


class Worker:
    """A Celery worker process with the bench settings."""

    def __init__(self, queues: str, concurrency: int, **env: str):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log = open(LOG_DIR / f"worker-{queues}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(VENV / "celery"),
                "-A",
                "portal",
                "worker",
                "-Q",
                queues,
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "WARNING",
                "--without-mingle",
                "--without-gossip",
                "-n",
                f"bench-{queues}-{os.getpid()}@localhost",
            ],
            cwd=ROOT,
            env=bench_env(**env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        time.sleep(4)

    def peak_rss_mb(self, *, pool_only: bool = False) -> float:
        """The largest peak resident memory (VmHWM) of the worker and its pool processes;
        with `pool_only`, of the pool processes alone (the ones that run the tasks)."""
        pids = [] if pool_only else [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(pid) for pid in children.read_text().split()]
        peak = 0
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except FileNotFoundError:
                continue
        return round(peak / 1024, 1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int = 16,
    threads: int = 2,
    script: Path | None = None,
    args: tuple[str, ...] = (),
    until=None,
) -> dict:
    """Run wrk against `url`; throughput in requests per second and latencies in ms.

    `load_generator_cpu_s` is wrk's own CPU time (user + system), read from the resource
    usage of finished child processes. With `until` (a callable), wrk is stopped with SIGINT
    as soon as it returns true, and `seconds` is only the upper bound; `elapsed_s` is the time
    wrk ran.
    """
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(script or Path(__file__).with_name("report.lua")),
        url,
    ]
    if args:
        command += ["--", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if until is not None:
        while process.poll() is None and not until():
            time.sleep(0.05)
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate()
    elapsed = time.monotonic() - started
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed: {stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(line for line in stdout.splitlines() if line.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON ") :])
    return {
        "throughput": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p95_ms": round(data["p95_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2),
        "requests": data["requests"],
        "elapsed_s": round(elapsed, 2),
        "server_errors": data["non_2xx"],
        "socket_errors": data["socket_errors"],
        "load_generator_cpu_s": round(
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 2
        ),
        **{key: value for key, value in data.items() if key.startswith("status_")},
    }


def machine() -> dict:
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) // 1024
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_mb": memory,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }
