"""A document's history in words a reader understands: field labels and choice labels."""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from policies.models import DocumentFile, PolicyDocument

LABELS = {
    "title": _("Title"),
    "title_en": _("English title"),
    "number": _("Document number"),
    "issue_date": _("Issue date"),
    "effective_date": _("Effective date"),
    "status": _("Status"),
    "category": _("Category"),
    "summary": _("Summary"),
    "full_text": pgettext_lazy("policy library", "Full text"),
    "visibility": _("Who may see it"),
    "authorities": _("Issuing authorities"),
    "tags": pgettext_lazy("policy library", "Tags"),
    "amends": _("Amends"),
    "replaces": _("Replaces"),
    "file": pgettext_lazy("uploaded file", "File"),
    "file_kind": _("Kind of file"),
    "by_document": _("Because of"),
}
CHOICES = {
    "status": dict(PolicyDocument.Status.choices),
    "category": dict(PolicyDocument.Category.choices),
    "visibility": dict(PolicyDocument.Visibility.choices),
    "file_kind": dict(DocumentFile.Kind.choices),
}


class ChangeLine(NamedTuple):
    label: str
    old: str
    new: str


def _shown(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return pgettext("list separator", ", ").join(str(item) for item in value)
    if name in CHOICES:
        return str(CHOICES[name].get(value, value))
    return str(value)


def change_lines(changes: dict) -> list[ChangeLine]:
    return [
        ChangeLine(
            label=str(LABELS.get(name, name)),
            old=_shown(name, values.get("old")),
            new=_shown(name, values.get("new")),
        )
        for name, values in changes.items()
        if isinstance(values, dict)
    ]
