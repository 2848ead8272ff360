"""Shared fixtures: a real SMTP sink, a real Celery worker, and headless Chromium.

Unit tests never make Celery eager: they capture on-commit callbacks or call task bodies.
Integration and browser tests run a real worker process against the real Redis and the test
database, and read what arrived at the SMTP sink.
"""

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.fixtures.smtp", "tests.fixtures.worker", "tests.fixtures.browser"]

import logging  # noqa: E402

logging.getLogger("mail.log").setLevel(logging.WARNING)

import pytest  # noqa: E402

# Our apps' data migrations (regions, role groups, permissions) fill tables that a
# transactional test flushes at its end; with --reuse-db the next run would start without them.
FIRST_PARTY_APPS = {"accounts", "policies", "courses", "enrollment", "notifications", "exports"}


def _rerun_data_migrations(connection) -> None:
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.operations import RunPython

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    with connection.schema_editor() as editor:
        for migration, _backwards in plan:
            if migration.app_label not in FIRST_PARTY_APPS:
                continue
            operations = [op for op in migration.operations if isinstance(op, RunPython)]
            if operations:
                key = (migration.app_label, migration.name)
                state = executor.loader.project_state(key, at_end=False)
                for operation in operations:
                    operation.code(state.apps, editor)


def ensure_migration_data() -> None:
    from django.db import connection

    from accounts.models import Region

    if not Region.objects.exists():
        _rerun_data_migrations(connection)


@pytest.fixture(scope="session", autouse=True)
def migration_data(django_db_setup, django_db_blocker):
    """Put the data migrations' rows back when a previous run left the database flushed."""
    with django_db_blocker.unblock():
        ensure_migration_data()


@pytest.fixture
def reference_data(transactional_db):
    """For transactional (browser, integration) tests: regions and role groups, even after an
    earlier transactional test flushed them. (serialized_rollback does not survive Playwright's
    greenlet switching, which hands the test a fresh database connection.)"""
    ensure_migration_data()
