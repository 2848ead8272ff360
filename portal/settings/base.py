"""Settings shared by every environment; everything that differs comes from the environment.

Each variable is documented in `.env.example`. Local development reads `.env` beside manage.py
(written by `make setup` from `.env.example` when missing).
"""

from pathlib import Path
from typing import Any

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-secret-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # our apps; imports flow certificates → feedback → attendance → enrollment → courses → …
    "accounts",
    "policies",
    "courses",
    "enrollment",
    "attendance",
    "questions",
    "feedback",
    "certificates",
    "learning",
    "webhooks",
    "notifications",
    "exports",
    "audit",
    "jobs",
    "backups",
    "privacy",
    "api",
]

MIDDLEWARE = [
    "portal.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.ServiceUnavailableMiddleware",
    # AxesMiddleware last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "courses.context_processors.checkin_staff",
                "privacy.banner.erasure_banner",
            ],
            # |colon after a translated label, |longdate for a date in running text
            "builtins": ["portal.template_text"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///portal")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("PORTAL_DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
# Fail fast instead of hanging when the database is unreachable.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env("PORTAL_CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": env("PORTAL_CACHE_PREFIX", default="portal"),
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 2,
            "SOCKET_TIMEOUT": 2,
            # A cache outage must not take pages down: misses instead of errors.
            "IGNORE_EXCEPTIONS": True,
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # AxesBackend first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: e-mail is the login; sign-up needs a verified address.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Login throttling is django-axes' job (per account and address); allauth keeps its other limits.
# Its per-address cap on sign-ins is off by default: hundreds of trainees at one venue share
# one address and sign in at the same moment (allauth's counter also serialises them on a
# cache lock and answers 429 after a second's wait). Set e.g. "600/m/ip" to turn it on.
ACCOUNT_RATE_LIMITS = {
    "login_failed": False,
    "login": env("PORTAL_LOGIN_RATE_PER_ADDRESS", default="") or None,
}

# django-axes: lock a (account, address) pair after repeated failures, so an attacker from one
# address cannot lock the victim out of their own account elsewhere.
AXES_FAILURE_LIMIT = env.int("PORTAL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("PORTAL_LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("PORTAL_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = env("PORTAL_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / env("PORTAL_STATIC_ROOT", default=".local/staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Browsers and phones ask for /favicon.ico and /apple-touch-icon.png at the site's root.
WHITENOISE_ROOT = BASE_DIR / "static" / "icons"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / env("PORTAL_MEDIA_ROOT", default=".local/media")
# Where `manage.py backup` writes its dated folders (keep them off this disk too: deploy/README).
# Days a person's "download my data" file is kept before it is deleted.
PORTAL_DATA_DOWNLOAD_KEEP_DAYS = env.int("PORTAL_DATA_DOWNLOAD_KEEP_DAYS", default=7)
# Delete my account: days during which the person can still cancel.
PORTAL_ERASURE_COOLING_OFF_DAYS = env.int("PORTAL_ERASURE_COOLING_OFF_DAYS", default=7)
PORTAL_BACKUP_DIR = BASE_DIR / env("PORTAL_BACKUP_DIR", default=".local/backups")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest file a user may upload (policy documents, materials); checked by portal.uploads.
PORTAL_UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
PORTAL_MATERIAL_MAX_BYTES = env.int("PORTAL_MATERIAL_MAX_BYTES", default=50 * 1024 * 1024)
# Nominee spreadsheets: largest file, and above how many rows a worker imports it with progress.
PORTAL_IMPORT_MAX_BYTES = env.int("PORTAL_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
PORTAL_IMPORT_SYNC_ROWS = env.int("PORTAL_IMPORT_SYNC_ROWS", default=200)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("PORTAL_EMAIL_TIMEOUT", default=15)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="培训班管理平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

PORTAL_SITE_URL: str = env("PORTAL_SITE_URL", default="http://127.0.0.1:8000")
PORTAL_NAME = _("Training Course Portal")

# Celery: the reliability settings from the architecture notes. Every task is idempotent and
# acknowledged late, so a worker killed mid-task hands its message back to the broker.
CELERY_BROKER_URL = env("PORTAL_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "notifications.*": {"queue": "mail"},
    "exports.*": {"queue": "exports"},
}
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Above every task's hard time limit, so a running task is never handed out twice.
    "visibility_timeout": 2 * 3600,
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    "global_keyprefix": env("PORTAL_BROKER_PREFIX", default=""),
}
# A publish that cannot reach Redis gives up quickly; the outbox sweeper sends the row later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# How long a request waits for a course's lock (seats, timetable) before answering "busy".
PORTAL_COURSE_LOCK_TIMEOUT = env.float("PORTAL_COURSE_LOCK_TIMEOUT", default=3.0)
PORTAL_EXPORT_TIME_LIMIT = env.int("PORTAL_EXPORT_TIME_LIMIT", default=20 * 60)
CELERY_TASK_ANNOTATIONS = {
    "exports.export_run": {
        "soft_time_limit": PORTAL_EXPORT_TIME_LIMIT,
        "time_limit": PORTAL_EXPORT_TIME_LIMIT + 60,
    },
}
CELERY_BEAT_SCHEDULE = {
    "notifications-mail-sweep": {"task": "notifications.mail_sweep", "schedule": 60.0},
    "exports-sweep": {"task": "exports.export_sweep", "schedule": 60.0},
    "webhooks-sweep": {"task": "webhooks.sweep", "schedule": 60.0},
    # Hourly: Idempotency-Key answers are kept a day.
    "api-idempotency-cleanup": {"task": "api.idempotency_cleanup", "schedule": 3600.0},
    "exports-cleanup": {"task": "exports.export_cleanup", "schedule": 3600.0},
    "privacy-data-download-sweep": {"task": "privacy.data_download_sweep", "schedule": 60.0},
    "privacy-data-download-cleanup": {
        "task": "privacy.data_download_cleanup",
        "schedule": 3600.0,
    },
    # Hourly: reminders a day before, then due account deletions in batches.
    "privacy-erasure-run": {"task": "privacy.erasure_run", "schedule": 3600.0},
    "courses-reading-pack-cleanup": {"task": "courses.reading_pack_cleanup", "schedule": 3600.0},
    # Hourly; each reminder's outbox key sends it once however often this runs.
    "enrollment-reminders": {"task": "enrollment.registration_remind", "schedule": 3600.0},
    "enrollment-import-sweep": {"task": "enrollment.import_sweep", "schedule": 60.0},
    # Hourly: uploads left a day without the organiser's choice are deleted.
    "enrollment-import-cleanup": {"task": "enrollment.import_cleanup", "schedule": 3600.0},
    "attendance-auto-absent": {"task": "attendance.attendance_mark_absent", "schedule": 300.0},
    "feedback-notify": {"task": "feedback.survey_notify", "schedule": 3600.0},
    # Hourly; one certificate per registration, so running again issues nothing twice.
    "certificates-issue": {"task": "certificates.certificate_issue_due", "schedule": 3600.0},
    "certificates-archive-cleanup": {"task": "certificates.archive_cleanup", "schedule": 3600.0},
}

# Background jobs (jobs.models.BackgroundJob): a running job that reports no progress for its
# stale time is taken over by another worker, at most MAX_ATTEMPTS runs in all. These are the
# defaults; exports and nominee imports have their own.
PORTAL_JOB_STALE_SECONDS = env.int("PORTAL_JOB_STALE_SECONDS", default=120)
PORTAL_JOB_MAX_ATTEMPTS = env.int("PORTAL_JOB_MAX_ATTEMPTS", default=3)
PORTAL_IMPORT_STALE_SECONDS = env.int("PORTAL_IMPORT_STALE_SECONDS", default=300)
# Exports: files kept for PORTAL_EXPORT_KEEP_DAYS; a running export that reports no progress
# for PORTAL_EXPORT_STALE_SECONDS is taken over by another worker (at most MAX_ATTEMPTS runs).
PORTAL_EXPORT_KEEP_DAYS = env.int("PORTAL_EXPORT_KEEP_DAYS", default=7)
PORTAL_EXPORT_STALE_SECONDS = env.int("PORTAL_EXPORT_STALE_SECONDS", default=120)
PORTAL_EXPORT_MAX_ATTEMPTS = env.int("PORTAL_EXPORT_MAX_ATTEMPTS", default=3)
PORTAL_MAIL_MAX_ATTEMPTS = env.int("PORTAL_MAIL_MAX_ATTEMPTS", default=8)
PORTAL_MAIL_STALE_SENDING_SECONDS = env.int("PORTAL_MAIL_STALE_SENDING_SECONDS", default=600)
# Certificate verification look-ups allowed per client address in ten minutes.
# Webhooks: addresses inside the organisation's network (private, loopback, link-local) are
# refused unless this is on (for intranets and tests); a call gives up after TIMEOUT seconds;
# a delivery is retried with backoff for RETRY_SECONDS; a subscription failing for
# PAUSE_SECONDS is paused and its owner told.
PORTAL_WEBHOOK_ALLOW_PRIVATE = env.bool("PORTAL_WEBHOOK_ALLOW_PRIVATE", default=False)
PORTAL_WEBHOOK_TIMEOUT = env.float("PORTAL_WEBHOOK_TIMEOUT", default=5.0)
PORTAL_WEBHOOK_RETRY_SECONDS = env.int("PORTAL_WEBHOOK_RETRY_SECONDS", default=24 * 3600)
PORTAL_WEBHOOK_PAUSE_SECONDS = env.int("PORTAL_WEBHOOK_PAUSE_SECONDS", default=24 * 3600)
PORTAL_CERTIFICATE_VERIFY_RATE = env.int("PORTAL_CERTIFICATE_VERIFY_RATE", default=120)

# Content-Security-Policy (django-csp 4): same-origin only; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Logs go to standard output, one line per event; PORTAL_LOG_FORMAT=json for log collectors.
# Every line carries the request id; "portal.timing" lines time each request and task.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("PORTAL_LOG_FORMAT", default="plain"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("PORTAL_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "portal.timing": {"level": env("PORTAL_TIMING_LOG_LEVEL", default="INFO")},
    },
}

# Production behind nginx: the internal location that serves private files (see deploy/).
PORTAL_X_ACCEL_REDIRECT = env("PORTAL_X_ACCEL_REDIRECT", default="")

# The API (/api/v1/): JSON only, tokens or the portal's session, one error shape, cursor pages.
# API rate limits ("<requests>/<sec|min|hour|day>"; empty: no limit), answered with 429.
PORTAL_API_RATE_PER_TOKEN = env("PORTAL_API_RATE_PER_TOKEN", default="600/min")
PORTAL_API_RATE_PER_ADDRESS = env("PORTAL_API_RATE_PER_ADDRESS", default="1200/min")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.TokenRateThrottle",
        "api.throttling.AddressRateThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Training-course portal API",
    "DESCRIPTION": (
        "Courses, registrations, policy documents and certificate checks for other systems. "
        "Authenticate with `Authorization: Bearer <token>` (tokens are made on the profile "
        "page). Errors are always {code, message, fields}."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
