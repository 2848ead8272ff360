"""Shared fixtures: a real SMTP sink, a real Celery worker, a broker made to fail, and headless
Chromium.

Unit tests never make Celery eager: they capture on-commit callbacks or call task bodies.
Integration and browser tests run a real worker process against the real Redis and the test
database, and read what arrived at the SMTP sink.
"""

import os

# Playwright's sync API runs an event loop in the test thread; Django's ORM is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.fixtures.reference",
    "tests.fixtures.smtp",
    "tests.fixtures.broker",
    "tests.fixtures.worker",
    "tests.fixtures.browser",
]

import logging  # noqa: E402

logging.getLogger("mail.log").setLevel(logging.WARNING)


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and cached pages live in Redis; each test starts without this run's keys."""
    from django.core.cache import cache

    cache.delete_pattern("*")
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language: a request in an earlier test (a
    trainee's preferred language) must not leave its language active for the next one."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _media_root_of_this_run():
    """Uploaded and exported files of the run live in their own folder, removed at the end."""
    import shutil

    from django.conf import settings

    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
