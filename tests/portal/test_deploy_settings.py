import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "x7#kP2vQ9zL4mN8rT1wY5bC3dF6gH0jK_production-grade-secret-key-value-0123",
    "DJANGO_ALLOWED_HOSTS": "training.example.cn",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.cn:587",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    # The development key from .env.example is refused as well as an empty one.
    for key in ("", "dev-only-insecure-secret-key-change-me"):
        result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": key})
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY must be set" in result.stderr
