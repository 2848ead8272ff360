#!/usr/bin/env bash
# Every check, after the set-up. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }
step "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
step "migrations are complete"
DJANGO_SETTINGS_MODULE=portal.settings.test .venv/bin/python manage.py makemigrations --check --dry-run
step "translations are complete"
.venv/bin/python scripts/check_translations.py
step "tests (unit, integration, browser)"
.venv/bin/python -m pytest "$@"
