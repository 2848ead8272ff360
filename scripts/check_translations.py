"""Fail when any user-facing string lacks a Simplified Chinese translation, or is fuzzy.

Regenerates the catalogues with makemessages, checks them, then puts the committed files back,
so the check never leaves the work tree changed. `make messages` updates them for real.
"""

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
        print("Missing Simplified Chinese translations (run `make messages` and translate):")
        print("\n".join(f"  {line}" for line in found))
        return 1
    print("Every string has its Simplified Chinese translation.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
