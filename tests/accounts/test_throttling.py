import pytest
from django.urls import reverse

from tests.factories.accounts import UserFactory

PASSWORD = "correct-horse-battery"


def _login(client, email: str, password: str, ip: str):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_repeated_failures_lock_that_account_from_that_address_only(client, settings):
    victim = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, victim.email, "wrong", "203.0.113.9").status_code == 200
    # The failure that reaches the limit already answers with the lockout page.
    assert _login(client, victim.email, "wrong", "203.0.113.9").status_code == 429

    locked = _login(client, victim.email, PASSWORD, "203.0.113.9")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session

    # The victim, signing in from their own address, is not locked out by the attacker.
    response = _login(client, victim.email, PASSWORD, "198.51.100.7")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(victim.pk)


@pytest.mark.django_db
def test_failures_against_one_account_do_not_lock_other_accounts(client, settings):
    first, second = UserFactory(), UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, first.email, "wrong", "203.0.113.9")
    response = _login(client, second.email, PASSWORD, "203.0.113.9")
    assert response.status_code == 302


@pytest.mark.django_db
def test_address_case_does_not_reset_the_counter(client, settings):
    UserFactory(email="wang@example.cn")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        email = "WANG@example.cn" if attempt % 2 else "wang@example.cn"
        _login(client, email, "wrong", "203.0.113.9")
    assert _login(client, "Wang@Example.cn", PASSWORD, "203.0.113.9").status_code == 429


@pytest.mark.django_db
def test_session_key_rotates_at_login(client):
    user = UserFactory()
    client.get(reverse("account_login"))
    client.session.save()
    before = client.session.session_key
    _login(client, user.email, PASSWORD, "127.0.0.1")
    assert client.session.session_key != before
