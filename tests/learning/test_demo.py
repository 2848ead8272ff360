"""The demo after course A: its trainees' learning records show the hours they earned."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from attendance.models import Attendance
from courses.demo import TITLE_A
from courses.hours import hours_of_course
from courses.models import Course


@pytest.mark.django_db
def test_course_a_offers_hours_and_its_trainees_records_show_them(client):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", "--course-a-over", verbosity=0)
    course = Course.objects.get(title=TITLE_A)
    assert sum(hours_of_course(course).values()) > 0  # by the default rule, no stored hours
    present = Attendance.objects.filter(session__course=course, status="present").first()
    assert present is not None
    client.force_login(present.registration.trainee)
    html = client.get(reverse("learning:record-mine")).content.decode()
    assert f'data-course="{course.pk}"' in html
    assert 'data-earned="0"' not in html.split(f'data-course="{course.pk}"')[1][:600]
