#!/usr/bin/env bash
# The set-up both `make run` and `make test` start with. Safe to run again: it only does
# what is missing. Usage: scripts/setup.sh [run|test|bench]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"
say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# System packages: install with apt-get (as root) or Homebrew, otherwise say the command.
apt_updated=""
need_package() {  # need_package COMMAND APT_PACKAGE BREW_PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  if command -v apt-get >/dev/null 2>&1; then
    if is_root; then
      say "installing $2"
      [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $2 >/dev/null
      return 0
    fi
    die "$1 is missing. Run: sudo apt-get install -y $2"
  elif command -v brew >/dev/null 2>&1; then
    say "installing $3"; brew install $3; return 0
  fi
  die "$1 is missing. Install $2 with your system's package manager."
}

# 1. Python 3.11+ and the virtualenv with pinned dependencies.
python=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python="$candidate"; break
  fi
done
[ -n "$python" ] || die "Python 3.11 or newer is required (apt-get install python3 python3-venv)."
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($python --version)"
  "$python" -m venv .venv || die "could not create .venv (Debian: apt-get install python3-venv)"
fi
stamp=".venv/.requirements-installed"
wanted="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  say "installing pinned Python dependencies"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements-dev.txt
  echo "$wanted" > "$stamp"
else
  say "Python dependencies are up to date"
fi

# 2. Local configuration.
if [ ! -f .env ]; then
  say "writing .env from .env.example"
  cp .env.example .env
fi
mkdir -p .local/media

# 3. System tools: gettext compiles translations; the test suite drives Chromium.
need_package msgfmt gettext gettext
if [ "$mode" = test ] || [ "$mode" = bench ]; then
  need_package chromium "chromium fonts-noto-cjk" chromium
  # The export tests open spreadsheets in LibreOffice as a real spreadsheet program would.
  need_package soffice "libreoffice-calc-nogui" libreoffice
fi
if [ "$mode" = bench ]; then
  need_package wrk wrk wrk
  need_package pgbench postgresql-contrib postgresql
fi

# 4. PostgreSQL and Redis: reachable, started, or installed.
.venv/bin/python scripts/start_services.py

# 5. Translations, schema and demo data.
.venv/bin/python manage.py compilemessages -l zh_Hans --ignore '.venv/*' -v 0
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
say "ready"
