"""An API address that matches no route answers with the API's JSON error shape, not a page."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/api/v1/courses/-348/", "/api/v1/registrations/-1/approve/", "/api/v1/no-such-thing/"],
)
def test_an_unmatched_api_address_answers_404_in_json(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "not_found",
        "message": "Not found, or not yours to see.",
        "fields": {},
    }


def test_the_message_is_in_the_callers_language(client):
    response = client.get("/api/v1/courses/-1/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["message"] != "Not found, or not yours to see."


def test_other_unmatched_addresses_still_get_the_portal_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
