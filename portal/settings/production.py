"""Production: gunicorn behind a TLS-terminating reverse proxy. No secret has a default here."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of 50+ characters in production "
        '(python -c "import secrets; print(secrets.token_urlsafe(64))").'
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)

LOGGING["handlers"]["console"]["formatter"] = env("PORTAL_LOG_FORMAT", default="json")  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("PORTAL_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("PORTAL_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("PORTAL_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix pins cookies to this exact host over HTTPS.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SILENCED_SYSTEM_CHECKS = env.list(
    "PORTAL_SILENCED_SYSTEM_CHECKS",
    # security.W021 (HSTS preload): submitting a domain to the browsers' preload list is a
    # long-term commitment the operator makes for the whole domain; opt in with
    # PORTAL_HSTS_PRELOAD=true. HSTS itself is on.
    default=["security.W021"],
)
