"""Hostile text in every field that is shown back is rendered inert."""

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from courses.models import Course
from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.courses import CourseFactory, SessionFactory, SpeakerFactory
from tests.factories.enrollment import RegistrationFactory
from tests.factories.policies import PolicyDocumentFactory

pytestmark = pytest.mark.django_db

PAYLOAD = (
    '<script>alert("x")</script><img src=x onerror=alert(1)>'
    '<svg onload=alert(1)></svg><a href="javascript:alert(1)">点我</a>'
)
MARKDOWN = "\n\n".join(
    [PAYLOAD, "[点我](javascript:alert(1))", '<iframe src="https://evil.example"></iframe>']
)

LIVE_MARKUP = [
    re.compile(r"<script(?![^>]*\bsrc=\"/static/)", re.IGNORECASE),
    re.compile(r"<(img|svg|a|iframe)\b[^>]*\son\w+\s*=", re.IGNORECASE),
    re.compile(r"href\s*=\s*[\"']?\s*javascript:", re.IGNORECASE),
    re.compile(r"<iframe", re.IGNORECASE),
]


def assert_inert(html: str) -> None:
    # The hostile text is on the page (escaped), so the check is not passing vacuously.
    assert "&lt;script&gt;" in html or "&lt;img" in html or "&lt;svg" in html
    for pattern in LIVE_MARKUP:
        match = pattern.search(html)
        assert match is None, html[max(0, match.start() - 80) : match.end() + 80]


@pytest.fixture
def hostile_course():
    organiser = UserFactory(roles=[Role.ORGANISER], full_name=PAYLOAD[:90])
    course = CourseFactory(
        status=Course.Status.PUBLISHED,
        title="培训班" + PAYLOAD[:150],
        summary=PAYLOAD,
        description=MARKDOWN,
        venue=PAYLOAD[:150],
        hosts=PAYLOAD[:250],
        organisers=[organiser],
    )
    speaker = SpeakerFactory(name=PAYLOAD[:90], title=PAYLOAD[:90], organisation=PAYLOAD[:150])
    SessionFactory(course=course, title=PAYLOAD[:150], room=PAYLOAD[:60], speakers=[speaker])
    trainee = UserFactory(
        full_name=PAYLOAD[:90],
        organisation=OrganisationFactory(name=PAYLOAD[:190]),
        position=PAYLOAD[:90],
    )
    RegistrationFactory(course=course, trainee=trainee)
    return course, organiser, trainee


def test_course_pages_render_hostile_text_inert(client, hostile_course):
    course, organiser, trainee = hostile_course
    for url in [
        reverse("courses:course-list"),
        reverse("courses:course-list") + "?q=" + "培训班",
        course.get_absolute_url(),
        reverse("courses:course-print", args=[course.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())


def test_organiser_and_trainee_pages_render_hostile_names_inert(client, hostile_course):
    course, organiser, trainee = hostile_course
    client.force_login(organiser)
    for url in [
        reverse("courses:course-dashboard"),
        reverse("enrollment:registration-list", args=[course.pk]),
        reverse("enrollment:course-statistics", args=[course.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())
    client.force_login(trainee)
    for url in [reverse("enrollment:registration-mine"), reverse("accounts:profile-update")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())


def test_policy_document_metadata_is_rendered_inert(client):
    document = PolicyDocumentFactory(title=PAYLOAD[:290], summary=MARKDOWN)
    for url in [
        reverse("policies:document-list"),
        reverse("policies:document-list") + "?q=alert",
        reverse("policies:document-detail", args=[document.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())
