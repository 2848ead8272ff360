"""The site's icons: answered at the root where browsers and phones look, and linked from pages."""

import pytest
from django.test import Client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("path", "kind", "magic"),
    [
        ("/favicon.ico", "image/", b"\x00\x00\x01\x00"),
        ("/apple-touch-icon.png", "image/png", b"\x89PNG"),
    ],
)
def test_the_icons_are_served_at_the_site_root(path, kind, magic):
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(kind)
    assert _body(response).startswith(magic)


@pytest.mark.django_db
def test_every_page_links_the_icon_and_the_phone_icon(client):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html
    assert 'rel="apple-touch-icon"' in html
