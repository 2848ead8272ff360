"""The API guide's Python example runs as printed against a live portal."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.roles import Role
from api.models import Scope
from courses.models import Course
from tests.api.conftest import make_token
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory
from tests.factories.enrollment import RegistrationFactory

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def python_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    (example,) = [block for block in blocks if "confirmed_trainees" in block]
    return example


@pytest.mark.django_db(transaction=True)
def test_the_hr_example_prints_the_confirmed_trainees(live_server):
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(status=Course.Status.PUBLISHED, organisers=[organiser])
    confirmed = [
        RegistrationFactory(course=course, status="confirmed", full_name=f"学员{n}")
        for n in range(3)
    ]
    RegistrationFactory(course=course, status="cancelled", full_name="已取消的学员")
    secret = make_token(organiser, [Scope.MANAGE_REGISTRATIONS, Scope.READ_PERSONAL_DATA])
    env = {
        **os.environ,
        "PORTAL_URL": live_server.url,
        "PORTAL_TOKEN": secret,
        "COURSE_ID": str(course.pk),
    }
    run = subprocess.run(
        [sys.executable, "-c", python_example()],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [r.full_name for r in confirmed]
    assert confirmed[0].phone in lines[0]
