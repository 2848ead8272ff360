"""The organisers' quota form: seats per region, per organisation type and per pair."""

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from courses.models import Course
from courses.quotas import QuotaKey

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _seats_field(label: "StrOrPromise", initial: int | None) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        required=False,
        initial=initial or None,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class QuotaForm(forms.Form):
    """One number per region and per organisation type, and rows of region-and-type pairs;
    empty or zero means no quota."""

    EMPTY_PAIRS = 3

    def __init__(self, *args, course: Course, regions, **kwargs):
        super().__init__(*args, **kwargs)
        current = {quota.key: quota.seats for quota in course.quotas.all()}
        self.regions = list(regions)
        for region in self.regions:
            self.fields[f"region_{region.pk}"] = _seats_field(
                region.name, current.get(QuotaKey(region.pk))
            )
        for value, label in Organisation.Type.choices:
            self.fields[f"type_{value}"] = _seats_field(label, current.get(QuotaKey(None, value)))
        pairs = [key for key in current if key.region_id is not None and key.organisation_type]
        self.pair_count = len(pairs) + self.EMPTY_PAIRS
        region_choices = [("", "—"), *((region.pk, region.name) for region in self.regions)]
        type_choices = [("", "—"), *Organisation.Type.choices]
        for index in range(self.pair_count):
            key = pairs[index] if index < len(pairs) else QuotaKey()
            self.fields[f"pair_{index}_region"] = forms.TypedChoiceField(
                label=_("Region"),
                choices=region_choices,
                coerce=int,
                required=False,
                empty_value=None,
                initial=key.region_id,
            )
            self.fields[f"pair_{index}_type"] = forms.ChoiceField(
                label=_("Organisation type"),
                choices=type_choices,
                required=False,
                initial=key.organisation_type,
            )
            self.fields[f"pair_{index}_seats"] = _seats_field(_("Seats"), current.get(key))

    def region_fields(self) -> list[forms.BoundField]:
        return [self[f"region_{region.pk}"] for region in self.regions]

    def type_fields(self) -> list[forms.BoundField]:
        return [self[f"type_{value}"] for value in Organisation.Type.values]

    def pair_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"pair_{i}_region"], self[f"pair_{i}_type"], self[f"pair_{i}_seats"])
            for i in range(self.pair_count)
        ]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        seen: set[QuotaKey] = set()
        for index in range(self.pair_count):
            region_id = cleaned.get(f"pair_{index}_region")
            type_ = cleaned.get(f"pair_{index}_type") or ""
            if not cleaned.get(f"pair_{index}_seats"):
                continue
            if region_id is None or not type_:
                self.add_error(
                    f"pair_{index}_seats",
                    _("Choose both a region and an organisation type for these seats."),
                )
            elif QuotaKey(region_id, type_) in seen:
                self.add_error(f"pair_{index}_seats", _("This pair is already in the list."))
            seen.add(QuotaKey(region_id, type_))
        return cleaned

    def seats(self) -> dict[QuotaKey, int]:
        """Every quota the form sets, zero for the regions and types left empty."""
        data = self.cleaned_data
        seats = {
            QuotaKey(region.pk): data.get(f"region_{region.pk}") or 0 for region in self.regions
        }
        for value in Organisation.Type.values:
            seats[QuotaKey(None, value)] = data.get(f"type_{value}") or 0
        for index in range(self.pair_count):
            if data.get(f"pair_{index}_seats"):
                key = QuotaKey(data[f"pair_{index}_region"], data[f"pair_{index}_type"])
                seats[key] = data[f"pair_{index}_seats"]
        return seats
