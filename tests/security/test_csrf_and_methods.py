"""Generated from the URL configuration: every view that accepts POST refuses a POST without
a CSRF token, and views that change state (POST only) refuse GET.

A new URL is covered automatically; a view that needs an exception must be listed here.
"""

import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Role
from tests.factories.accounts import UserFactory

# Namespaces of the portal's own apps, and its root URLs; Django's admin has its own tests.
OURS = {
    "accounts",
    "courses",
    "enrollment",
    "policies",
    "exports",
    "attendance",
    "questions",
    "feedback",
    "certificates",
    # The API (namespace "api") checks CSRF in DRF's session authentication instead of
    # Django's middleware: tests/api/test_access_matrix_api.py posts to it without the token.
    "api-tokens",
    "webhooks",
}
DUMMY = {"int": "1", "uuid": str(uuid.uuid4()), "str": "x", "slug": "x", "path": "x"}


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        elif isinstance(entry, URLPattern):
            yield namespace, prefix + str(entry.pattern), entry


def _url(route: str) -> str:
    import re

    def fill(match):
        converter = match.group(1) or "str"
        return DUMMY.get(converter, "1")

    path = re.sub(r"<(?:(\w+):)?\w+>", fill, route)
    return "/" + path.replace("^", "").replace("$", "").replace("\\Z", "")


VIEWS = [
    (namespace, route, pattern)
    for namespace, route, pattern in _walk(get_resolver().url_patterns)
    if namespace in OURS and hasattr(pattern.callback, "view_class")
]
POSTING = [
    (f"{ns}:{p.name}", _url(route))
    for ns, route, p in VIEWS
    if hasattr(p.callback.view_class, "post")
]
POST_ONLY = [
    (f"{ns}:{p.name}", _url(route))
    for ns, route, p in VIEWS
    if hasattr(p.callback.view_class, "post") and not hasattr(p.callback.view_class, "get")
]


def test_the_url_configuration_was_read():
    assert len(POSTING) > 30
    assert not [name for name, _url in POSTING if name.endswith(":None")]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), POSTING, ids=[name for name, _ in POSTING])
def test_post_without_csrf_token_is_refused(name, url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True))
    response = client.post(url, {"x": "1"})
    assert response.status_code == 403, f"{name} {url} answered {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), POST_ONLY, ids=[name for name, _ in POST_ONLY])
def test_state_changing_views_refuse_get(client, name, url):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True))
    response = client.get(url)
    # 405, or 404 where the view looks its object up before dispatching on the method (the
    # dummy id does not exist); either way a GET changes nothing.
    assert response.status_code in (404, 405), f"{name} {url} answered {response.status_code}"


def test_no_view_of_ours_is_csrf_exempt():
    exempt = [
        f"{ns}:{p.name}"
        for ns, _route, p in _walk(get_resolver().url_patterns)
        if ns in OURS and getattr(p.callback, "csrf_exempt", False)
    ]
    assert exempt == []
