#!/usr/bin/env bash
# Every check, after the set-up. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }
step "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
step "mypy"
.venv/bin/mypy
step "djLint (templates)"
.venv/bin/djlint templates --lint
step "migrations are complete"
DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python manage.py makemigrations --check --dry-run
step "deployment checklist with the production settings"
# The environment a production server has; the secret key is a fresh random one.
DJANGO_SETTINGS_MODULE=portal.settings.production \
  DJANGO_SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
  DJANGO_DEBUG=false \
  DJANGO_ALLOWED_HOSTS=portal.example.cn \
  DJANGO_CSRF_TRUSTED_ORIGINS=https://portal.example.cn \
  EMAIL_URL=smtp+tls://smtp.example.cn:587 \
  PORTAL_SITE_URL=https://portal.example.cn \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
step "translations are complete"
.venv/bin/python scripts/check_translations.py
step "tests (unit, integration, browser)"
# The browser tests renew the user guide's screenshots (docs/screenshots) as they go.
export PORTAL_SCREENSHOTS="${PORTAL_SCREENSHOTS:-1}"
.venv/bin/python -m pytest "$@"
