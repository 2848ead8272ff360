import pytest
from django.test import Client

from api.models import Scope
from api.services import api_token_create

ALL_SCOPES = list(Scope.values)


def make_token(user, scopes=None, **kwargs) -> str:
    """A token of `user` with `scopes` (all by default); returns the secret."""
    return api_token_create(
        owner=user,
        name=kwargs.pop("name", "HR system"),
        scopes=ALL_SCOPES if scopes is None else scopes,
        by=user,
        **kwargs,
    ).secret


def bearer(secret: str, **extra) -> Client:
    """A client that sends the token on every request (and no session)."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", **extra)


@pytest.fixture
def api_client():
    def make(user, scopes=None, **extra) -> Client:
        return bearer(make_token(user, scopes), **extra)

    return make
