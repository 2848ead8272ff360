"""PostgreSQL restarted while the web server runs: requests during the restart get the 503
page, requests after it succeed without restarting the web server.

Runs against a private PostgreSQL instance started for the test, so nothing else on the
machine is disturbed.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINDIRS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture
def private_postgres():
    if not BINDIRS:
        pytest.skip("PostgreSQL server programs are not installed")
    bindir = BINDIRS[-1]
    # Not under pytest's own temporary folder: the postgres user must be able to reach it.
    base = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    data = base / "pgdata"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(data, "postgres")
    port = _free_port()
    subprocess.run(
        _as_postgres(
            [
                f"{bindir}/initdb",
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    ctl = [
        f"{bindir}/pg_ctl",
        "-D",
        str(data),
        "-w",
        "-l",
        str(data / "log"),
        "-o",
        f"-p {port} -c listen_addresses=127.0.0.1 -k {data}",
    ]
    subprocess.run(_as_postgres([*ctl, "start"]), check=True, capture_output=True)

    def control(action: str) -> None:
        subprocess.run(_as_postgres([*ctl, "-m", "fast", action]), check=True, capture_output=True)

    try:
        yield port, control
    finally:
        subprocess.run(_as_postgres([*ctl, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def test_requests_during_a_database_restart_get_503_and_later_ones_succeed(private_postgres):
    port, control = private_postgres
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/postgres",
        PORTAL_BROKER_PREFIX=f"fault{os.getpid()}:",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    web_port = _free_port()
    web = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{web_port}",
            "--workers",
            "1",
            "--threads",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # The policy library: never cached, so every request needs the database.
    url = f"http://127.0.0.1:{web_port}/documents/"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _get(url) == 200:
                    break
            except OSError:
                time.sleep(0.3)
        assert _get(url) == 200

        # A visitor with a session cookie too: loading their session needs the database.
        with_session = urllib.request.Request(url, headers={"Cookie": "sessionid=" + "a" * 32})

        control("stop")
        started = time.monotonic()
        assert _get(url) == 503  # the friendly "busy" page, not a 500
        try:
            signed_in_status = urllib.request.urlopen(with_session, timeout=30).status
        except urllib.error.HTTPError as error:
            signed_in_status = error.code
        assert signed_in_status == 503
        assert time.monotonic() - started < 20

        control("start")
        assert _get(url) == 200  # the same web server, no restart needed
    finally:
        web.terminate()
        web.wait(timeout=20)
