#!/usr/bin/env bash
# Start web server, Celery worker and Celery beat together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-$(grep -E '^PORT=' .env 2>/dev/null | cut -d= -f2)}"
port="${port:-8000}"
cat <<TXT

  Training Course Portal: http://127.0.0.1:${port}/

  Demo accounts (password demo-pass-2026):
    administrator   admin@example.cn       (also /admin/)
    organiser       organiser@example.cn
    check-in staff  checkin@example.cn
    trainee         trainee@example.cn     (and trainee0001@example.cn ... trainee0546@example.cn)

  E-mails are printed by the worker below. Press Ctrl-C to stop.

TXT
PORT="$port" exec .venv/bin/honcho -f Procfile.dev start
