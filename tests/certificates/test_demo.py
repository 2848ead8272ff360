"""The demo: course A has a certificate rule; once its sessions are over, seeding again gives
a certificate to each trainee who attended enough, each verifiable by its code."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from certificates import demo, selectors
from certificates.models import Certificate, CertificateRule
from courses.demo import TITLE_A
from courses.models import Course, Session


@pytest.mark.django_db
def test_course_a_gets_certificates_after_its_sessions(client):
    call_command("seed_demo", verbosity=0)
    rule = CertificateRule.objects.get(course__title=TITLE_A)
    assert rule.min_attendance_percent == 80
    assert [s.kind for s in rule.required_sessions.all()] == [Session.Kind.OPENING]
    assert not Certificate.objects.exists()  # course A lies ahead

    # Move course A into the past; seeding again marks its sessions and issues certificates.
    course = Course.objects.get(title=TITLE_A)
    shift = datetime.timedelta(days=(course.ends_on - timezone.localdate()).days + 2)
    Course.objects.filter(pk=course.pk).update(
        starts_on=F("starts_on") - shift,
        ends_on=F("ends_on") - shift,
        registration_opens_at=F("registration_opens_at") - shift,
        registration_closes_at=F("registration_closes_at") - shift,
    )
    Session.objects.filter(course=course).update(
        starts_at=F("starts_at") - shift, ends_at=F("ends_at") - shift
    )
    call_command("seed_demo", verbosity=0)

    course.refresh_from_db()
    rows = selectors.eligibility_for_course(course)
    qualifying = {row.registration.pk for row in rows if row.qualifies}
    issued = set(Certificate.objects.filter(course=course).values_list("registration", flat=True))
    assert issued == qualifying
    assert 0 < len(issued) < len(rows)  # some trainees missed too much
    assert demo.seed() == {"certificates": 0}

    for certificate in Certificate.objects.filter(course=course)[:3]:
        response = client.get(reverse("certificates:verify", args=[certificate.code]))
        assert 'data-result="valid"' in response.content.decode()
