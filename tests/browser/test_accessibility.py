"""The portal's main pages, in Chinese and in English, have no serious or critical
accessibility problem that axe-core finds (contrast, labels, landmarks, language...)."""

import pytest

from accounts.models import User
from tests.browser.axe import serious_violations
from tests.browser.portal_pages import build_portal, pages_by_visitor, sign_in

pytestmark = pytest.mark.browser

LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_main_pages_have_no_serious_accessibility_violations(chromium, live_server, language):
    portal = build_portal()
    User.objects.update(preferred_language=language)
    found: dict[str, list[str]] = {}
    for visitor, visits in pages_by_visitor(portal).items():
        context = chromium.new_context(
            locale=LOCALES[language], viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15000)
        page = context.new_page()
        try:
            if visitor is not None:
                sign_in(page, live_server, visitor)
            for name, path in visits:
                response = page.goto(live_server.url + path)
                assert response.status == 200, f"{name}: {response.status}"
                assert page.get_attribute("html", "lang") == language.replace("hans", "Hans")
                if problems := serious_violations(page):
                    found[name] = problems
        finally:
            context.close()
    report = [f"{name}: {problem}" for name, problems in found.items() for problem in problems]
    assert not report, "\n".join(report)
