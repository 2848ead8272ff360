"""Apps register their exporters here; `exports` itself knows nothing of courses or people.

An exporter is a class with a unique `name`; the task instantiates it with the job's
parameters and calls `write(book, progress)`.
"""

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError

from exports.writer import SafeWorkbook
from portal.auth_types import PortalUser

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Progress = Callable[[int], None]

_EXPORTERS: dict[str, type["Exporter"]] = {}


class Exporter:
    do_not_call_in_templates = True
    name: ClassVar[str]
    #: Shown on the job page and used for the file name; a lazy translation.
    title: ClassVar["StrOrPromise"]

    #: Offered on the "My exports" page with `form_class` for its filters.
    offer_on_list: ClassVar[bool] = False
    form_class: ClassVar[type[forms.Form] | None] = None
    #: Its parameters name one object (a course), looked up among what the requester may see:
    #: refused, it answers 404 like any page about an object; an export of no one object (the
    #: cross-course attendance) is refused for a missing role, 403.
    about_one_object: ClassVar[bool] = False

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params

    def describe(self) -> str:
        """The job's title in the active language, e.g. with the course's name."""
        return str(self.title)

    @classmethod
    def clean_params(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """Validate request data into JSON-serialisable parameters; raise ValidationError."""
        return {}

    def check(self) -> None:
        """Checks that may tell what an object holds (a course without a survey, say): made only
        after `can_request` said yes, so they tell nothing to anyone else; raise ValidationError."""

    def can_request(self, user: PortalUser) -> bool:
        raise NotImplementedError

    def total(self) -> int:
        """How many rows the export will write (for the progress bar)."""
        raise NotImplementedError

    def filename(self) -> str:
        raise NotImplementedError

    def time_zone(self) -> str:
        from django.conf import settings

        return settings.TIME_ZONE

    def write(self, book: SafeWorkbook, progress: Progress) -> None:
        """Write every sheet; call `progress(rows_written_so_far)` as rows go out."""
        raise NotImplementedError


def register(exporter: type[Exporter]) -> type[Exporter]:
    if exporter.name in _EXPORTERS and _EXPORTERS[exporter.name] is not exporter:
        raise ValueError(f"two exporters are named {exporter.name!r}")
    _EXPORTERS[exporter.name] = exporter
    return exporter


def exporter_list() -> list[type[Exporter]]:
    return list(_EXPORTERS.values())


def exporter_get(name: str) -> type[Exporter]:
    try:
        return _EXPORTERS[name]
    except KeyError:
        raise ValidationError("Unknown export.", code="unknown_exporter") from None
