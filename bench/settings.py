"""Benchmark settings: the production configuration, served over plain HTTP on loopback.

Only what plain HTTP on 127.0.0.1 requires differs from production (no HTTPS redirect, no
secure-only cookies); plus a bare view as the baseline (bench/urls.py).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + "k" * 60)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:2525")
os.environ.setdefault("PORTAL_SSL_REDIRECT", "false")
os.environ.setdefault("PORTAL_HSTS_SECONDS", "0")

from portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
STATIC_ROOT = BASE_DIR / ".local" / "bench-static"  # noqa: F405
MEDIA_ROOT = BASE_DIR / ".local" / "bench-media"  # noqa: F405
LOGGING["loggers"]["portal.timing"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["mail.log"] = {"level": "WARNING"}  # noqa: F405 - the SMTP sink's chatter
