import pytest
from django.core.management import call_command

from attendance import demo
from attendance.models import AttendanceSettings
from courses.demo import TITLE_A, TITLE_B


@pytest.mark.django_db
def test_demo_seed_is_idempotent():
    call_command("seed_demo")
    assert set(AttendanceSettings.objects.values_list("course__title", flat=True)) == {
        TITLE_A,
        TITLE_B,
    }
    again = demo.seed()
    assert again == {"attendance": 0}
    assert AttendanceSettings.objects.count() == 2
