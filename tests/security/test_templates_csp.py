"""The Content-Security-Policy forbids inline script and style; templates must not need them."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]
    if ".venv" not in folder.parts
    for path in folder.rglob("*.html")
    # E-mails are read in mail programs, never served under the portal's policy, and those
    # programs drop stylesheets: an e-mail's HTML carries its styles inline.
    if "email" not in path.relative_to(folder).parts
)

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"href\s*=\s*[\"']\s*javascript:", re.IGNORECASE)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_template_needs_no_unsafe_inline(path):
    text = path.read_text(encoding="utf-8")
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("style= attribute", INLINE_STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("inline event handler", EVENT_HANDLER),
        ("javascript: link", JAVASCRIPT_URL),
    ]:
        match = pattern.search(text)
        assert match is None, (
            f"{name} at {path.name}: {text[max(0, match.start() - 40) : match.end() + 40]!r}"
        )


@pytest.mark.django_db
def test_pages_are_served_with_the_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
