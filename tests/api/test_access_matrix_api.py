"""Who may call what in the API: every route against the seven visitors of the web matrix
(tests/security/test_access_matrix.py), with exact status codes.

Each signed-in visitor calls with a token of their own holding every scope (what the token may
do is tested per route in `test_a_token_without_the_routes_scope_gets_403`); ``anonymous``
sends no credentials. The objects are those of the web matrix: a published course with a
confirmed trainee, a draft of the same organiser, a public and an unpublished document, an
issued certificate.

Writes are checked without changing anything: a visitor the rule lets through gets the
service's or the input's refusal (400), which can only come after the permission checks.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Role
from api.models import Scope
from certificates import services as certificate_services
from courses.models import Course
from tests.api.conftest import bearer, make_token
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory, SessionFactory
from tests.factories.enrollment import RegistrationFactory
from tests.factories.policies import PolicyDocumentFactory

pytestmark = pytest.mark.django_db

VISITORS = ("anonymous", "trainee", "stranger", "other_organiser", "checkin", "organiser", "admin")


@dataclass(frozen=True)
class Call:
    name: str  # the URL name in the "api" namespace
    method: str
    path: str  # with {course}, {draft}, {registration}, {document}, {hidden}, {code}
    expected: tuple[int, ...]  # one status per visitor, in VISITORS order
    body: str = "{}"


TOO_LONG = '{"reason": "' + "x" * 2001 + '"}'

#                                    anon trainee stranger other_org checkin organiser admin
MATRIX = [
    Call("schema", "GET", "/api/schema/", (200, 200, 200, 200, 200, 200, 200)),
    Call("swagger-ui", "GET", "/api/docs/", (200, 200, 200, 200, 200, 200, 200)),
    Call("redoc", "GET", "/api/redoc/", (200, 200, 200, 200, 200, 200, 200)),
    Call("me", "GET", "/api/v1/me/", (401, 200, 200, 200, 200, 200, 200)),
    Call("course-list", "GET", "/api/v1/courses/", (401, 200, 200, 200, 200, 200, 200)),
    Call("course-detail", "GET", "/api/v1/courses/{course}/", (401, 200, 200, 200, 200, 200, 200)),
    # A draft: its organisers and administrators only (courses.selectors.course_list_visible_to).
    Call("course-detail", "GET", "/api/v1/courses/{draft}/", (401, 404, 404, 404, 404, 200, 200)),
    # Attendance and hours of the confirmed trainees: the course's organisers and administrators.
    Call(
        "course-attendance",
        "GET",
        "/api/v1/courses/{course}/attendance/",
        (401, 404, 404, 404, 404, 200, 200),
    ),
    # Everyone's own registrations.
    Call("registration-list", "GET", "/api/v1/registrations/", (401, 200, 200, 200, 200, 200, 200)),
    # A course's registrations: its organisers and administrators (the web registration list).
    Call(
        "registration-list",
        "GET",
        "/api/v1/registrations/?course={course}",
        (401, 404, 404, 404, 404, 200, 200),
    ),
    # Registering for the draft: who cannot see it gets 404, who can is refused (not_published).
    Call(
        "registration-list",
        "POST",
        "/api/v1/registrations/",
        (401, 404, 404, 404, 404, 400, 400),
        body='{"course": {draft}}',
    ),
    Call(
        "registration-detail",
        "GET",
        "/api/v1/registrations/{registration}/",
        (401, 200, 404, 404, 404, 200, 200),
    ),
    Call(
        "registration-cancel",
        "POST",
        "/api/v1/registrations/{registration}/cancel/",
        (401, 400, 404, 404, 404, 400, 400),
        body=TOO_LONG,
    ),
    # Decisions: the course's organisers and administrators; the trainee's own registration is
    # not theirs to decide (404). Allowed callers get the rule's refusal: the registration is
    # already confirmed (approve), a reason is missing (reject).
    Call(
        "registration-approve",
        "POST",
        "/api/v1/registrations/{registration}/approve/",
        (401, 404, 404, 404, 404, 400, 400),
    ),
    Call(
        "registration-reject",
        "POST",
        "/api/v1/registrations/{registration}/reject/",
        (401, 404, 404, 404, 404, 400, 400),
        body='{"reason": ""}',
    ),
    Call("document-list", "GET", "/api/v1/documents/", (401, 200, 200, 200, 200, 200, 200)),
    Call(
        "document-detail",
        "GET",
        "/api/v1/documents/{document}/",
        (401, 200, 200, 200, 200, 200, 200),
    ),
    # Unpublished: the library staff (organisers, administrators) only.
    Call(
        "document-detail",
        "GET",
        "/api/v1/documents/{hidden}/",
        (401, 404, 404, 200, 404, 200, 200),
    ),
    Call(
        "certificate-verify",
        "GET",
        "/api/v1/certificates/verify/{code}/",
        (200, 200, 200, 200, 200, 200, 200),
    ),
]

SCOPE_OF_ROUTE = {
    "me": None,
    "course-list": Scope.READ_COURSES,
    "course-detail": Scope.READ_COURSES,
    "course-attendance": Scope.MANAGE_REGISTRATIONS,
    "registration-list": Scope.MANAGE_REGISTRATIONS,
    "registration-detail": Scope.MANAGE_REGISTRATIONS,
    "registration-cancel": Scope.MANAGE_REGISTRATIONS,
    "registration-approve": Scope.MANAGE_REGISTRATIONS,
    "registration-reject": Scope.MANAGE_REGISTRATIONS,
    "document-list": Scope.READ_COURSES,
    "document-detail": Scope.READ_COURSES,
}


def _api_names() -> set[str]:
    def walk(patterns, namespace=None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "api":
                yield entry.name

    return set(walk(get_resolver().url_patterns))


def test_every_api_route_is_in_the_matrix():
    assert _api_names() == {call.name for call in MATRIX}


@pytest.fixture
def world():
    organiser = UserFactory(roles=[Role.ORGANISER])
    course = CourseFactory(status=Course.Status.PUBLISHED, organisers=[organiser])
    SessionFactory(course=course)
    draft = CourseFactory(organisers=[organiser])
    trainee = UserFactory()
    registration = RegistrationFactory(course=course, trainee=trainee, status="confirmed")
    CourseFactory(
        status=Course.Status.PUBLISHED, organisers=[other := UserFactory(roles=[Role.ORGANISER])]
    )
    certificate = certificate_services.certificate_issue(
        course=course, registration_id=registration.pk, by=organiser, reason="结业"
    )
    users = {
        "trainee": trainee,
        "stranger": UserFactory(),
        "other_organiser": other,
        "checkin": UserFactory(roles=[Role.CHECKIN_STAFF]),
        "organiser": organiser,
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }
    clients = {name: bearer(make_token(user)) for name, user in users.items()}
    from django.test import Client

    clients["anonymous"] = Client()
    values = {
        "course": course.pk,
        "draft": draft.pk,
        "registration": registration.pk,
        "document": PolicyDocumentFactory().pk,
        "hidden": PolicyDocumentFactory(is_published=False).pk,
        "code": certificate.code,
    }
    return clients, values


def _fill(text: str, values: dict) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


@pytest.mark.parametrize("visitor", VISITORS)
def test_each_route_answers_what_the_matrix_says(world, visitor):
    clients, values = world
    client = clients[visitor]
    wrong = []
    for call in MATRIX:
        expected = call.expected[VISITORS.index(visitor)]
        path = _fill(call.path, values)
        if call.method == "GET":
            response = client.get(path)
        else:
            body = _fill(call.body, values)
            response = client.post(path, body, content_type="application/json")
        if response.status_code != expected:
            wrong.append(f"{call.method} {path}: expected {expected}, got {response.status_code}")
        elif expected >= 400 and response["Content-Type"] == "application/json":
            body = response.json()
            if "code" not in body:
                wrong.append(f"{call.method} {path}: error without the error shape: {body}")
    assert not wrong, f"{visitor}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(n for n, s in SCOPE_OF_ROUTE.items() if s))
def test_a_token_without_the_routes_scope_gets_403(world, name):
    _clients, values = world
    scope = SCOPE_OF_ROUTE[name]
    others = [s for s in Scope.values if s != scope]
    client = bearer(make_token(UserFactory(roles=[Role.ADMINISTRATOR]), others))
    for call in (c for c in MATRIX if c.name == name):
        path = _fill(call.path, values)
        if call.method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, _fill(call.body, values), content_type="application/json")
        assert response.status_code == 403, path
        assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    "call", [c for c in MATRIX if c.method == "POST"], ids=lambda c: f"{c.name}-{c.method}"
)
def test_a_session_without_the_csrf_token_cannot_post(world, call):
    """Signed-in browsers (session cookie) must send the CSRF token; tokens need none."""
    from django.test import Client

    _clients, values = world
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True))
    response = client.post(
        _fill(call.path, values), _fill(call.body, values), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
