"""Fail when any user-facing string lacks a Simplified Chinese translation, or is fuzzy, or is
one or two short English words without a context.

A word like "to", "Open" or "Name" means different things in different places (a date range's
end or an e-mail's recipient; a question waiting for an answer or a registration window), and a
translator who sees it alone cannot tell which. Such strings must say what they mean with
`pgettext("context", ...)` or `{% translate "..." context "..." %}`.

Regenerates the catalogues with makemessages, checks them, then puts the committed files back,
so the check never leaves the work tree changed. `make messages` updates them for real.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
MAKEMESSAGES = [
    str(ROOT / ".venv/bin/python"),
    "manage.py",
    "makemessages",
    "-l",
    "zh_Hans",
    "--no-obsolete",
    "--add-location=never",
    "-v",
    "0",
    "--ignore=.venv/*",
    "--ignore=.local/*",
    "--ignore=tests/*",
    "--ignore=static/vendor/*",
    "--ignore=bench/*",
    "--ignore=node_modules/*",
]


PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|%[sd]|\{[^}]*\}")
SHORT_WORD_LETTERS = 4


def _entries(text: str) -> list[tuple[str | None, str]]:
    """(msgctxt, msgid) of each entry of a .po file's text; obsolete entries left out."""
    found: list[tuple[str | None, str]] = []
    context: str | None = None
    key, parts = "", []
    for line in [*text.splitlines(), ""]:
        if line.startswith('"') and key:
            parts.append(line[1:-1])
            continue
        if key == "msgctxt":
            context = "".join(parts)
        elif key == "msgid":
            found.append((context, "".join(parts)))
            context = None
        key, parts = "", []
        for name in ("msgctxt", "msgid"):
            if line.startswith(f'{name} "'):
                key, parts = name, [line[len(name) + 2 : -1]]
    return [(ctx, msgid) for ctx, msgid in found if msgid]


def is_short_and_ambiguous(msgid: str) -> bool:
    """One or two short words ("to", "Open", "Last day"), and nothing else.

    Acronyms such as "PDF" are clear; a placeholder ("%(n)s vote") says what the words are about.
    """
    words = msgid.split()
    if not 1 <= len(words) <= 2 or any(PLACEHOLDER.search(word) for word in words):
        return False
    letters = [re.sub(r"[^A-Za-z]", "", word) for word in words]
    if all(word.isupper() and len(word) > 1 for word in letters if word):
        return False
    return all(len(word) <= SHORT_WORD_LETTERS for word in letters)


def without_context(text: str) -> list[str]:
    """The msgids of a .po file's text that are short words with no context to tell them apart."""
    return [msgid for ctx, msgid in _entries(text) if ctx is None and is_short_and_ambiguous(msgid)]


def problems(po: Path) -> list[str]:
    found = []
    for flag, label in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
        out = subprocess.run(
            ["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True, check=True
        ).stdout
        ids = [
            line[7:-1]
            for line in out.splitlines()
            if line.startswith('msgid "') and line != 'msgid ""'
        ]
        found += [f"{po.relative_to(ROOT)}: {label}: {msgid}" for msgid in ids]
    found += [
        f"{po.relative_to(ROOT)}: short words without a context: {msgid}"
        for msgid in without_context(po.read_text(encoding="utf-8"))
    ]
    return found


def main() -> int:
    backup = Path(tempfile.mkdtemp()) / "locale"
    shutil.copytree(LOCALE, backup)
    try:
        subprocess.run(MAKEMESSAGES, cwd=ROOT, check=True)
        if (ROOT / "static").exists():
            subprocess.run(MAKEMESSAGES + ["-d", "djangojs"], cwd=ROOT, check=True)
        found = []
        for po in sorted(LOCALE.glob("zh_Hans/LC_MESSAGES/*.po")):
            found += problems(po)
    finally:
        shutil.rmtree(LOCALE)
        shutil.copytree(backup, LOCALE)
    if found:
        print(
            "Missing Simplified Chinese translations (run `make messages` and translate), or"
            " short words that need a context (pgettext):"
        )
        print("\n".join(f"  {line}" for line in found))
        return 1
    print("Every string has its Simplified Chinese translation.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
