"""`make bench`: run the benchmarks against the production configuration and write
bench/results.json. `make bench QUICK=1` runs a short version.

Each benchmark is measured with its baseline in the same run on the same machine; the
`ratio` is the portal's figure over the baseline's.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import bench_database_url  # noqa: E402

# Benchmark name -> module in bench/.
BENCHMARKS = {
    "registration_rush": "registration_rush",
    "catalogue": "catalogue",
    "notifications": "notifications",
    "attendance_export": "attendance_export",
    "course_export": "course_export",
    "import": "nominee_import",
    "question_triage": "question_triage",
    "roster": "roster",
}


def _setup_database(name: str) -> None:
    from urllib.parse import urlparse

    import psycopg2

    url = urlparse(os.environ["DATABASE_URL"])
    connection = psycopg2.connect(
        dbname="postgres",
        user=url.username or None,
        password=url.password or None,
        host=url.hostname or None,
        port=url.port or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs, fewer rows")
    parser.add_argument("--only", choices=list(BENCHMARKS), action="append")
    options = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # The benchmarks have a database of their own, so the demo data is never touched.
    os.environ["DATABASE_URL"] = bench_database_url()
    _setup_database(os.environ["DATABASE_URL"].rsplit("/", 1)[1])

    import django

    django.setup()
    from django.core.management import call_command

    from bench.common import machine

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    results = {"machine": machine(), "quick": options.quick, "benchmarks": {}}
    for name in options.only or BENCHMARKS:
        module = __import__(f"bench.{BENCHMARKS[name]}", fromlist=["run"])
        print(f"== {name}", flush=True)
        started = time.monotonic()
        results["benchmarks"][name] = module.run(quick=options.quick)
        results["benchmarks"][name]["seconds"] = round(time.monotonic() - started, 1)

    path = ROOT / "bench" / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print_table(results)
    print(f"\nwritten to {path.relative_to(ROOT)}")
    return 0 if all(b.get("met") for b in results["benchmarks"].values()) else 1


def _cell(data: dict, key: str, width: int) -> str:
    value = data.get(key)
    return f"{value:>{width}}" if value is not None else f"{'-':>{width}}"


def _print_table(results: dict) -> None:
    print(
        f"\n{'benchmark':<18}{'throughput':>12}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'peak MB':>9}{'baseline':>12}{'ratio':>8}  met"
    )
    for name, data in results["benchmarks"].items():
        print(
            f"{name:<18}{_cell(data, 'throughput', 12)}{_cell(data, 'p50_ms', 9)}"
            f"{_cell(data, 'p95_ms', 9)}{_cell(data, 'p99_ms', 9)}{_cell(data, 'peak_rss_mb', 9)}"
            f"{data['baseline']['throughput']:>12}{data['ratio']:>8}  "
            f"{'yes' if data.get('met') else 'NO'}"
        )


if __name__ == "__main__":
    sys.exit(main())
