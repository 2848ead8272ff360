"""Schemathesis runs every operation of the OpenAPI schema against a live portal.

Each operation gets a bounded number of generated requests (derandomized, so a run is
repeatable), sent with a token that has every scope. No answer may be a server error, and every
answer must be one the schema documents: its status code, content type, headers and body.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.roles import Role
from courses.models import Course
from tests.api.conftest import make_token
from tests.factories.accounts import UserFactory
from tests.factories.courses import CourseFactory
from tests.factories.enrollment import RegistrationFactory

# Valid requests, and requests that break the schema on purpose (wrong types, missing fields).
EXAMPLES_PER_OPERATION = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 10}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _load_schema(client) -> schemathesis.BaseSchema:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


def _exercise(operation, base_url: str, secret: str, mode: GenerationMode) -> list[str]:
    """Send generated requests for one operation; return the failures found."""
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES_PER_OPERATION[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        headers = {"Authorization": f"Bearer {secret}"}
        response = case.call(base_url=base_url, headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as error:
            failures.append(f"{operation.label}: {error}")

    run()
    return failures


def _seed() -> str:
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    course = CourseFactory(status=Course.Status.PUBLISHED, organisers=[admin])
    RegistrationFactory(course=course, status="confirmed")
    RegistrationFactory(course=course, status="pending")
    return make_token(admin)


@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_as_documented_without_server_errors(live_server, client, settings):
    settings.PORTAL_API_RATE_PER_TOKEN = "100000/min"
    settings.PORTAL_API_RATE_PER_ADDRESS = "100000/min"
    secret = _seed()
    schema = _load_schema(client)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        for mode in EXAMPLES_PER_OPERATION:
            failures += _exercise(operation, live_server.url, secret, mode)
    assert not failures, "\n\n".join(failures)
