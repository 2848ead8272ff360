"""Odd input in a query string is refused with 400 in the API's error shape, never a 500."""

import pytest

from accounts.roles import Role
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/courses/?q=a%00b",
        "/api/v1/courses/?category=a%00b",
        "/api/v1/courses/?organisation_type=a%00b",
        "/api/v1/documents/?q=a%00b",
        "/api/v1/documents/?status=a%00b",
        "/api/v1/registrations/?status=a%00b",
    ],
)
def test_a_null_character_in_a_query_parameter_is_refused(api_client, url):
    client = api_client(UserFactory(roles=[Role.ADMINISTRATOR]), HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    name = url.split("?")[1].split("=")[0]
    assert body["fields"] == {name: ["Null characters are not allowed."]}


def test_a_year_beyond_the_calendar_is_refused(api_client):
    client = api_client(UserFactory(roles=[Role.ADMINISTRATOR]), HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/documents/?year=1139469")
    assert response.status_code == 400
    assert response.json()["fields"] == {"year": ["Enter a year between 1 and 9999."]}


def test_a_year_in_range_still_filters(api_client):
    client = api_client(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert client.get("/api/v1/documents/?year=2026").status_code == 200


def test_a_null_character_in_a_certificate_number_is_refused(client):
    response = client.get("/api/v1/certificates/verify/AB%00CD/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["fields"] == {"code": ["Null characters are not allowed."]}


def test_the_certificate_check_documents_its_400(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    responses = schema["paths"]["/api/v1/certificates/verify/{code}/"]["get"]["responses"]
    assert "400" in responses
