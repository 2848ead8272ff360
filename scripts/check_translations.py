"""Fail when any user-facing string lacks a Simplified Chinese translation, or is fuzzy, or is
one or two short English words without a context, or when the Chinese breaks the glossary.

A word like "to", "Open" or "Name" means different things in different places (a date range's
end or an e-mail's recipient; a question waiting for an answer or a registration window), and a
translator who sees it alone cannot tell which. Such strings must say what they mean with
`pgettext("context", ...)` or `{% translate "..." context "..." %}`.

The Chinese follows docs/glossary.zh-Hans.md, and this check reads that file, so the glossary
stays the one place for terms: no msgstr may use a term from its "Avoid" column (unless inside a
longer term the glossary names, such as 报名人数 for 报名人), put an ASCII ":" or "," next to
Chinese text, or put spaces around a placeholder next to Chinese text (第%(row)s行). Templates
may not put an ASCII ":" or "," next to their literal Chinese, nor type ":" after a translated
label (`{{ _("Reason")|colon }}` writes the colon of the active language).

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
GLOSSARY = ROOT / "docs" / "glossary.zh-Hans.md"
TEMPLATES = ROOT / "templates"
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
CHINESE = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]"
# English text may quote a Chinese title in “”, so only Chinese characters count here.
HAN = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
ASCII_PUNCTUATION = re.compile(f"{HAN}[:,]|[:,]{HAN}")
# English source text in a template, which may name Chinese column headings in passing.
ENGLISH_IN_TEMPLATE = re.compile(
    r"\{% *blocktrans(late)?\b.*?\{% *endblocktrans(late)? *%\}|\{% *trans(late)? [^%]*%\}", re.S
)
SPACED_PLACEHOLDER = (
    re.compile(f"{CHINESE} +(?:{PLACEHOLDER.pattern})"),
    re.compile(f"(?:{PLACEHOLDER.pattern}) +{CHINESE}"),
)
COLON_AFTER_LABEL = re.compile(r"\{% *(trans|translate) [^%]*%\}:|\{% *endblocktrans(late)? *%\}:")
# "课件（单用）" is checked as 课件 outside longer allowed terms; other qualifiers ("分组（名词）")
# depend on the sense and are left to the reader.
ALONE = "单用"
SEPARATORS = re.compile(r"[；;、，,。：:（）()“”\"'/ ]+")


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


def _translations(text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of each translated entry of a .po file's text; plural forms one each."""
    found: list[tuple[str, str]] = []
    msgid, key, parts = "", "", []
    for line in [*text.splitlines(), ""]:
        if line.startswith('"') and key:
            parts.append(line[1:-1])
            continue
        if key == "msgid":
            msgid = "".join(parts)
        elif key.startswith("msgstr") and msgid:
            found.append((msgid, "".join(parts).replace('\\"', '"')))
        key, parts = "", []
        match = re.match(r'^(msgid|msgstr(\[\d+\])?) "(.*)"$', line)
        if match:
            key, parts = match.group(1), [match.group(3)]
    return [(msgid, msgstr) for msgid, msgstr in found if msgstr]


def _glossary_rows(glossary: str) -> list[list[str]]:
    """The cells of the term table's rows: concept, English, Chinese, avoid, note."""
    rows = []
    for line in glossary.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 5 and not set(cells[0]) <= {"-", " "}:
            rows.append(cells)
    return rows[1:]


def avoided_terms(glossary: str) -> dict[str, list[str]]:
    """Each term of the glossary's Avoid column, with the longer terms it may appear inside.

    A term the glossary also uses (主办方 is the organiser, avoided only for the host unit) is
    left out, and so is one whose qualifier depends on the sense ("分组（名词）").
    """
    rows = _glossary_rows(glossary)
    used = {
        phrase for row in rows for cell in (row[2], row[4]) for phrase in SEPARATORS.split(cell)
    }
    avoided: dict[str, list[str]] = {}
    for row in rows:
        for cell in re.split("[、，]", row[3]):
            match = re.fullmatch(r"([^（(]+)(?:[（(](.*)[）)])?", cell.strip())
            if not match or match.group(2) not in (None, ALONE) or match.group(1) in used:
                continue
            term = match.group(1)
            avoided[term] = sorted((p for p in used if term in p), key=len, reverse=True)
    return avoided


def avoided_in(msgstr: str, avoided: dict[str, list[str]]) -> list[str]:
    """The avoided terms a translation uses outside the longer terms that allow them."""
    found = []
    for term, allowed in avoided.items():
        masked = msgstr
        for phrase in allowed:
            masked = masked.replace(phrase, "□" * len(phrase))
        if term in masked:
            found.append(term)
    return found


def ascii_punctuation(text: str) -> list[str]:
    """ASCII ":" and "," written next to Chinese text, with the character beside them."""
    return [match.group() for match in ASCII_PUNCTUATION.finditer(text)]


def spaced_placeholders(msgstr: str) -> list[str]:
    """Placeholders set off by spaces from the Chinese next to them ("第 %(row)s 行")."""
    return [match.group() for pattern in SPACED_PLACEHOLDER for match in pattern.finditer(msgstr)]


def writing_problems(po_text: str, glossary: str) -> list[str]:
    """How the translations of a .po file's text break the glossary and its conventions."""
    avoided = avoided_terms(glossary)
    found = []
    for msgid, msgstr in _translations(po_text):
        for term in avoided_in(msgstr, avoided):
            found.append(f"avoided term {term}: {msgid}")
        for text in ascii_punctuation(msgstr):
            found.append(f"ASCII punctuation in {text!r}: {msgid}")
        for text in spaced_placeholders(msgstr):
            found.append(f"spaces around a placeholder in {text!r}: {msgid}")
    return found


def template_problems(source: str) -> list[str]:
    """ASCII ":" or "," next to a template's literal Chinese, or ":" typed after a label."""
    literal = ENGLISH_IN_TEMPLATE.sub(" ", source)
    found = [f"ASCII punctuation in {text!r}" for text in ascii_punctuation(literal)]
    found += [f"a colon typed after {m.group()[:-1]!r}" for m in COLON_AFTER_LABEL.finditer(source)]
    return found


def all_template_problems() -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt"):
            source = path.read_text(encoding="utf-8")
            found += [f"{path.relative_to(ROOT)}: {line}" for line in template_problems(source)]
    return found


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
    glossary = GLOSSARY.read_text(encoding="utf-8")
    found += [
        f"{po.relative_to(ROOT)}: {line}"
        for line in writing_problems(po.read_text(encoding="utf-8"), glossary)
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
        found += all_template_problems()
    finally:
        shutil.rmtree(LOCALE)
        shutil.copytree(backup, LOCALE)
    if found:
        print(
            "Missing Simplified Chinese translations (run `make messages` and translate),"
            " short words that need a context (pgettext), or Chinese that breaks"
            " docs/glossary.zh-Hans.md:"
        )
        print("\n".join(f"  {line}" for line in found))
        return 1
    print("Every string has its Simplified Chinese translation.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
