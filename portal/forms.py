"""Form helpers every app's views share."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError


def add_service_errors(
    form, exc: ValidationError, error_fields: Mapping[str, str] | None = None
) -> None:
    """Put a service's ValidationError onto the form.

    An error whose `code` is in `error_fields` goes to that field; an error the service raised
    for a field (an error dict) goes to that field when the form has it; anything else goes on
    top, as a non-field error.
    """
    pairs: list[tuple[str | None, ValidationError]]
    if hasattr(exc, "error_dict"):
        pairs = [(name, error) for name, errors in exc.error_dict.items() for error in errors]
    else:
        pairs = [(None, error) for error in exc.error_list]
    for name, error in pairs:
        field = (error_fields or {}).get(error.code or "", name)
        form.add_error(field if field in form.fields else None, error)


def error_text(exc: ValidationError) -> str:
    """A service's ValidationError as one sentence for a flash message."""
    return " ".join(exc.messages)
