"""What personal data each app holds about a person, for "Download my data" and "Delete my
account".

An app registers a section in its `AppConfig.ready()`: a model, the fields (lookups allowed,
`course__title`), how to find the person's rows and, next to it, how to anonymise them
(`anonymise(user) -> rows changed`; run when an erasure is due, so it must be safe to run
twice). Column headings come from the fields' verbose names, so the file reads in the
person's language without new wording."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q

Owner = Callable[[Any], Q]
Anonymiser = Callable[[Any], int]

# What an erased person's name becomes wherever it was stored (profile, registrations,
# certificates): stored data, the same in every language.
ERASED_NAME = "已删除用户"


@dataclass(frozen=True)
class Section:
    key: str
    model: type[models.Model]
    fields: tuple[str, ...]
    owner: Owner
    anonymise: Anonymiser | None = None

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def rows(self, user: Any) -> list[dict[str, Any]]:
        queryset = self.model._default_manager.filter(self.owner(user))
        return list(queryset.order_by("pk").values(*self.fields))

    def headings(self) -> list[str]:
        return [field_label(self.model, field) for field in self.fields]

    def readable(self, row: dict[str, Any]) -> list[Any]:
        """The row's values for people: a choice as its label ("Confirmed", not "confirmed")."""
        values = []
        for lookup in self.fields:
            value = row[lookup]
            choices = dict(_field(self.model, lookup).flatchoices)
            values.append(choices.get(value, value) if choices else value)
        return values


_sections: dict[str, Section] = {}


def register(
    key: str,
    *,
    model: type[models.Model],
    fields: tuple[str, ...],
    owner: Owner,
    anonymise: Anonymiser | None = None,
) -> None:
    """Add (or replace) the section `key`; `owner(user)` selects the person's rows and
    `anonymise(user)` removes what identifies them (None: the rows go with the account)."""
    _sections[key] = Section(key=key, model=model, fields=fields, owner=owner, anonymise=anonymise)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: section.key)


def _path(model: type[models.Model], lookup: str) -> list[Any]:
    """The fields along a lookup: `course__title` is [Registration.course, Course.title]."""
    path = []
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        path.append(field)
        if isinstance(field.related_model, type):
            model = field.related_model
    return path


def _field(model: type[models.Model], lookup: str) -> Any:
    return _path(model, lookup)[-1]


def field_label(model: type[models.Model], lookup: str) -> str:
    """The verbose names along a lookup: `course__title` is "course · title"."""
    return " · ".join(
        str(getattr(field, "verbose_name", field.name)) for field in _path(model, lookup)
    )
