"""Make sure PostgreSQL and Redis answer, starting (or installing) local ones when needed.

Run by `make setup` with the virtualenv's Python. Reads DATABASE_URL and REDIS_URL from the
environment or .env. A remote server that does not answer is reported, never "fixed".
"""

import getpass
import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


def say(message: str) -> None:
    print(f"[setup] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[setup] ERROR: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def read_env() -> dict[str, str]:
    values: dict[str, str] = {}
    env_file = ROOT / ".env"
    if env_file.exists():
        for line in env_file.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip().strip('"').strip("'")
    values.update({k: v for k, v in os.environ.items() if k in ("DATABASE_URL", "REDIS_URL")})
    return values


def install(packages: dict[str, str]) -> None:
    """Install system packages: {"apt": "...", "brew": "..."}; or say the exact command."""
    if shutil.which("apt-get"):
        command = f"apt-get install -y --no-install-recommends {packages['apt']}"
        if IS_ROOT:
            say(f"installing {packages['apt']} (apt-get)")
            subprocess.run(["apt-get", "update", "-qq"], check=False)
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            subprocess.run(command.split(), check=True, env=env)
            return
        fail(f"{packages['apt']} is not installed. Run:  sudo {command}  and try again.")
    if shutil.which("brew"):
        say(f"installing {packages['brew']} (Homebrew)")
        subprocess.run(["brew", "install", packages["brew"]], check=True)
        return
    fail(f"Install {packages['apt']} with your system's package manager and try again.")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host or "127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def wait_for(check, what: str, seconds: int = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    fail(f"{what} did not come up within {seconds} s.")


# --- Redis -------------------------------------------------------------------------------


def ensure_redis(url: str) -> None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    if port_open(host, port):
        say(f"Redis answers on {host}:{port}")
        return
    if host not in LOCAL_HOSTS:
        fail(f"Redis at {host}:{port} (REDIS_URL) does not answer.")
    if not shutil.which("redis-server"):
        install({"apt": "redis-server", "brew": "redis"})
    data = LOCAL / "redis"
    data.mkdir(parents=True, exist_ok=True)
    say(f"starting redis-server on {host}:{port}")
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            host,
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(data),
            "--logfile",
            str(data / "redis.log"),
        ],
        check=True,
    )
    wait_for(lambda: port_open(host, port), "Redis")


# --- PostgreSQL --------------------------------------------------------------------------


def pg_connect(url, dbname: str):
    import psycopg2

    return psycopg2.connect(
        dbname=dbname,
        user=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        host=url.hostname or None,
        port=url.port or None,
        connect_timeout=3,
    )


def pg_problem(url) -> str | None:
    """None when we can log in to the maintenance database, else the error text."""
    import psycopg2

    try:
        pg_connect(url, "postgres").close()
        return None
    except psycopg2.OperationalError as exc:
        return str(exc)


def pg_bindir() -> str | None:
    if shutil.which("initdb"):
        return str(Path(shutil.which("initdb")).parent)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return str(Path(found[-1]).parent) if found else None


def start_postgres(url) -> None:
    port = url.port or 5432
    if shutil.which("pg_lsclusters") and IS_ROOT:
        clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
        lines = [line.split() for line in clusters.splitlines() if line.strip()]
        if not lines:
            version = Path(pg_bindir()).parent.name
            say(f"creating PostgreSQL {version} cluster 'main'")
            subprocess.run(["pg_createcluster", version, "main", "--port", str(port)], check=True)
            lines = [[version, "main", str(port), "down"]]
        for version, name, *_rest in lines:
            say(f"starting PostgreSQL cluster {version}/{name}")
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"], check=False
            )
        return
    # No system cluster we may start: a project-local one under .local/postgres.
    bindir = pg_bindir()
    if bindir is None:
        fail("PostgreSQL server programs (initdb, pg_ctl) were not found.")
    data = LOCAL / "postgres"
    if not (data / "PG_VERSION").exists():
        say("creating a project-local PostgreSQL cluster in .local/postgres")
        subprocess.run(
            [
                f"{bindir}/initdb",
                "-D",
                str(data),
                "-U",
                url.username or getpass.getuser(),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
        )
    say(f"starting the project-local PostgreSQL on port {port}")
    subprocess.run(
        [
            f"{bindir}/pg_ctl",
            "-D",
            str(data),
            "-l",
            str(LOCAL / "postgres.log"),
            "-w",
            "-o",
            f"-p {port} -c listen_addresses=127.0.0.1 -k {data}",
            "start",
        ],
        check=True,
    )


def ensure_postgres(raw_url: str) -> None:
    url = urlparse(raw_url)
    local = (url.hostname or "") in LOCAL_HOSTS
    problem = pg_problem(url)
    if (
        problem
        and local
        and (
            "Connection refused" in problem
            or "No such file" in problem
            or "could not connect" in problem
        )
    ):
        if pg_bindir() is None:
            install({"apt": "postgresql", "brew": "postgresql@16"})
        start_postgres(url)
        wait_for(lambda: (p := pg_problem(url)) is None or "does not exist" in p, "PostgreSQL")
        problem = pg_problem(url)
    if problem and local and "role" in problem and "does not exist" in problem:
        role = url.username or getpass.getuser()
        if not IS_ROOT:
            fail(
                f"PostgreSQL has no role {role!r}. Run:  sudo -u postgres createuser --superuser {role}"
            )
        say(f"creating the PostgreSQL role {role!r}")
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "createuser", "--superuser", role], check=True
        )
        problem = pg_problem(url)
    if problem:
        fail(f"cannot reach PostgreSQL at DATABASE_URL={raw_url}: {problem.strip()}")
    dbname = url.path.lstrip("/") or "portal"
    connection = pg_connect(url, "postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
        if cursor.fetchone() is None:
            say(f"creating database {dbname}")
            cursor.execute(f"CREATE DATABASE \"{dbname}\" ENCODING 'UTF8' TEMPLATE template0")
        else:
            say(f"PostgreSQL database {dbname} is ready")
    connection.close()


def main() -> None:
    env = read_env()
    ensure_redis(env.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    ensure_postgres(env.get("DATABASE_URL") or "postgres:///portal")


if __name__ == "__main__":
    main()
