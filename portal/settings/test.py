"""The test suite: real PostgreSQL and Redis, fast password hashing."""

import os

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_CONFIG = env.email_url("PORTAL_TEST_EMAIL_URL", default="memorymail://")
vars().update(EMAIL_CONFIG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# A worker process started by the tests connects straight to the test database.
if env("PORTAL_TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["NAME"] = env("PORTAL_TEST_DATABASE_NAME")  # noqa: F405
# One broker namespace per test run, inherited by the worker processes the tests start, so
# two runs on one machine never take each other's tasks.
os.environ.setdefault("PORTAL_TEST_RUN", str(os.getpid()))
os.environ.setdefault("PORTAL_BROKER_PREFIX", f"test{os.environ['PORTAL_TEST_RUN']}:")
# Files of this run (uploads, exports), shared with its worker processes, removed at the end.
MEDIA_ROOT = BASE_DIR / ".local" / "test-media" / os.environ["PORTAL_TEST_RUN"]  # noqa: F405
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "global_keyprefix": os.environ["PORTAL_BROKER_PREFIX"],
}
CACHES["default"]["KEY_PREFIX"] = os.environ["PORTAL_BROKER_PREFIX"]  # noqa: F405
AXES_FAILURE_LIMIT = 5
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when missing
LOGGING["loggers"]["portal.timing"]["level"] = env("PORTAL_TIMING_LOG_LEVEL", default="WARNING")  # noqa: F405
