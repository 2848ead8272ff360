"""axe-core, vendored (see vendor/axe-core/), run on the page the test is looking at.

The script is evaluated through the browser's debugging protocol, so the portal's
Content-Security-Policy does not need to allow it and nothing is fetched from the network.
"""

from functools import cache

from tests.browser.portal_pages import AXE

BLOCKING = ("serious", "critical")


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def serious_violations(page) -> list[str]:
    """One line per serious or critical violation: the rule, and the first offending nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} elements: "
        + " | ".join(
            f"{node['target']} {node.get('failureSummary', '')[:160]!r}" for node in v["nodes"][:6]
        )
        for v in violations
        if v["impact"] in BLOCKING
    ]
