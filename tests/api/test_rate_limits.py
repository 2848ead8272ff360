"""Rate limits per token and per address: 429 with Retry-After, in the one error shape."""

import pytest

from accounts.roles import Role
from tests.api.conftest import bearer, make_token
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.fixture
def rates(settings):
    def set_rates(token=None, address=None):
        settings.PORTAL_API_RATE_PER_TOKEN = token
        settings.PORTAL_API_RATE_PER_ADDRESS = address

    return set_rates


def test_a_token_over_its_rate_gets_429_with_retry_after_and_another_token_does_not(rates):
    rates(token="3/min")
    user = UserFactory(roles=[Role.ORGANISER])
    busy, other = bearer(make_token(user)), bearer(make_token(user, name="dashboard"))
    assert [busy.get(ME).status_code for _ in range(3)] == [200, 200, 200]
    refused = busy.get(ME)
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert other.get(ME).status_code == 200


def test_an_address_over_its_rate_gets_429_whatever_the_token(rates):
    rates(address="2/min")
    first = bearer(make_token(UserFactory()), REMOTE_ADDR="203.0.113.5")
    second = bearer(make_token(UserFactory()), REMOTE_ADDR="203.0.113.5")
    elsewhere = bearer(make_token(UserFactory()), REMOTE_ADDR="198.51.100.7")
    assert first.get(ME).status_code == 200
    assert second.get(ME).status_code == 200
    refused = first.get(ME)
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert elsewhere.get(ME).status_code == 200


def test_the_refusal_is_in_the_callers_language(rates):
    rates(token="1/min")
    api = bearer(make_token(UserFactory()), HTTP_ACCEPT_LANGUAGE="zh-hans")
    api.get(ME)
    refused = api.get(ME)
    assert refused.status_code == 429
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.json()["message"])
