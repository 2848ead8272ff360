"""The short form of `make scale-test`: two web servers and two workers behind a round-robin
proxy, a registration rush, exports on both, one worker killed; every invariant checked."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def test_two_web_servers_and_two_workers_keep_every_invariant():
    result = subprocess.run(
        [sys.executable, "scripts/scale_test.py", "--short"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "scale test: PASSED" in result.stdout
    assert '"worker_killed": true' in result.stdout
