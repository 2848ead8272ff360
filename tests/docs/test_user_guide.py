"""The user guides show what the browser tests photograph: no picture missing, none unused."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDES = {
    "zh-Hans": ROOT / "docs" / "user-guide.zh-Hans.md",
    "en": ROOT / "docs" / "user-guide.en.md",
}
IMAGE = re.compile(r"!\[[^\]]*\]\((screenshots/[^)]+)\)")


def _saved_names() -> dict[str, bool]:
    """Each `save_screenshot(page, "name", english=...)` call in the browser tests: name → English too."""
    names: dict[str, bool] = {}
    for path in (ROOT / "tests" / "browser").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "save_screenshot":
                name = node.args[1].value
                english = next((k.value.value for k in node.keywords if k.arg == "english"), True)
                names[name] = names.get(name, False) or english
    return names


def test_every_picture_in_the_guides_exists():
    missing = [
        f"{guide.name}: {link}"
        for guide in GUIDES.values()
        for link in IMAGE.findall(guide.read_text(encoding="utf-8"))
        if not (guide.parent / link).is_file()
    ]
    assert missing == []


def test_every_picture_the_browser_tests_take_is_in_its_guide():
    names = _saved_names()
    assert names, "the browser tests take no screenshot"
    unused = []
    for language, guide in GUIDES.items():
        text = guide.read_text(encoding="utf-8")
        for name, english in names.items():
            if (
                language == "zh-Hans" or english
            ) and f"screenshots/{language}/{name}.png" not in text:
                unused.append(f"{guide.name}: {name}")
    assert unused == []
