"""`make run`'s set-up, run again on a machine where it already ran, changes nothing."""

import subprocess
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[2]

COUNTED = [
    "accounts_user",
    "accounts_organisation",
    "accounts_region",
    "auth_group",
    "django_migrations",
    "account_emailaddress",
]


def _counts(dsn_database: str) -> dict[str, int]:
    import environ

    env = environ.Env()
    environ.Env.read_env(ROOT / ".env")
    config = env.db("DATABASE_URL", default="postgres:///portal")
    connection = psycopg2.connect(
        dbname=config["NAME"],
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    with connection, connection.cursor() as cursor:
        counts = {}
        for table in COUNTED:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    connection.close()
    return counts


def test_running_the_set_up_again_changes_nothing():
    # `make test` ran the set-up just before the tests; this is the second run.
    before = _counts("portal")
    result = subprocess.run(
        ["bash", "scripts/setup.sh", "run"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No migrations to apply." in result.stdout
    assert "0 new users" in result.stdout
    assert "installing" not in result.stdout
    assert "creating" not in result.stdout
    assert _counts("portal") == before
