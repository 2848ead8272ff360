"""Helpers that let the triage page render each question's controls without re-rendering
the same option lists and reversing the same URLs once per question."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

#: The id the triage page's URL patterns are reversed with, replaced by each question's id.
PK_PLACEHOLDER = "999999999"


@register.filter
def with_selected(options: SafeString, value: object) -> SafeString:
    """Options rendered once for the whole page (`<option value="ID">`), with the one whose
    value is `value` marked selected."""
    if value in (None, ""):
        return options
    marker = f'<option value="{value}">'
    return mark_safe(options.replace(marker, f'<option value="{value}" selected>', 1))


@register.filter
def with_pk(pattern: str, pk: int) -> str:
    """A URL reversed once with `PK_PLACEHOLDER`, for the object `pk`."""
    return pattern.replace(PK_PLACEHOLDER, str(int(pk)), 1)
