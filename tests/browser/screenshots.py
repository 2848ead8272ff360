"""Screenshots for the user guide, taken by the browser tests at the moment they show a task.

`save_screenshot(page, "organiser-course-editor")` writes
`docs/screenshots/zh-Hans/organiser-course-editor.png` from the test's own page (what the test
typed and the messages it got included) and, unless `english=False`, the same address in English
to `docs/screenshots/en/`, taken in a second tab that switches the language with the portal's own
switch and switches it back before closing. Desktop pages are shot at 1280×800, phones at 390×844;
`scroll_to` (a CSS selector) brings a part lower on the page into both pictures.

On when `PORTAL_SCREENSHOTS=1`, which `make test` sets, so the guide's pictures are renewed by
every full check; a plain pytest run leaves the committed pictures alone.
"""

import os
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE_WIDTH = 390


def save_screenshot(page, name: str, *, english: bool = True, scroll_to: str | None = None) -> None:
    if os.environ.get("PORTAL_SCREENSHOTS") != "1":
        return
    _shoot(page, FOLDER / "zh-Hans" / f"{name}.png", scroll_to)
    if english:
        _shoot_in_english(page, FOLDER / "en" / f"{name}.png", scroll_to)


def _shoot(page, path: Path, scroll_to: str | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    # The test's desktop page is taller than the guide's pictures: shoot at the fixed size.
    if size["width"] > PHONE_WIDTH:
        page.set_viewport_size(DESKTOP)
    try:
        if scroll_to:
            page.locator(scroll_to).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        else:  # the test's clicks may have scrolled: the picture starts at the top
            page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=path, animations="disabled", caret="hide")
    finally:
        page.set_viewport_size(size)


def _shoot_in_english(page, path: Path, scroll_to: str | None) -> None:
    # A signed-in user's language is their profile's, so the switch (not a cookie) changes it.
    tab = page.context.new_page()
    tab.set_viewport_size(page.viewport_size)
    try:
        tab.goto(page.url)
        _switch_language(tab, "en")
        _shoot(tab, path, scroll_to)
        _switch_language(tab, "zh-hans")
    finally:
        tab.close()


def _switch_language(tab, code: str) -> None:
    with tab.expect_navigation():
        tab.locator(f".language-switch button[value='{code}']").evaluate("b => b.click()")
    tab.wait_for_load_state("networkidle")
