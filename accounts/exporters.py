"""Spreadsheets of people, for administrators."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from accounts.models import Organisation, Region, User
from accounts.roles import user_is_administrator
from accounts.types import AnyUser
from exports.registry import Exporter, Progress, register
from exports.writer import Column, SafeWorkbook


class PeopleExportForm(forms.Form):
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=gettext_lazy("All regions"),
    )
    organisation_type = forms.ChoiceField(
        label=gettext_lazy("Organisation type"),
        choices=[("", gettext_lazy("All types")), *Organisation.Type.choices],
        required=False,
    )


@register
class PeopleExporter(Exporter):
    """Everyone with an account: name, unit, type, region and contact details."""

    name = "accounts.people"
    title = gettext_lazy("People and their organisations")
    offer_on_list = True
    form_class = PeopleExportForm

    @classmethod
    def clean_params(cls, data) -> dict:
        form = PeopleExportForm(data)
        if not form.is_valid():
            raise ValidationError(
                _("Choose a valid region and organisation type."), code="invalid_filter"
            )
        region = form.cleaned_data["region"]
        return {
            "region": region.code if region else "",
            "organisation_type": form.cleaned_data["organisation_type"],
        }

    def can_request(self, user: AnyUser) -> bool:
        return user_is_administrator(user)

    def queryset(self) -> QuerySet[User]:
        people = User.objects.filter(is_active=True)
        if self.params.get("region"):
            people = people.filter(organisation__region__code=self.params["region"])
        if self.params.get("organisation_type"):
            people = people.filter(organisation__type=self.params["organisation_type"])
        return people

    def total(self) -> int:
        return self.queryset().count()

    def filename(self) -> str:
        name = _("people")
        return f"{name}-{timezone.localdate():%Y%m%d}.xlsx"

    def write(self, book: SafeWorkbook, progress: Progress) -> None:
        types = dict(Organisation.Type.choices)
        region_name = "name_en" if (get_language() or "").startswith("en") else "name_zh"
        sheet = book.sheet(
            _("People"),
            [
                Column(pgettext("person", "Full name"), 14),
                Column(_("Organisation"), 36),
                Column(_("Organisation type"), 18),
                Column(_("Region"), 14),
                Column(_("Position"), 14),
                Column(_("Mobile number"), 15),
                Column(_("E-mail"), 28),
                Column(_("Joined"), 18, number_format="yyyy-mm-dd hh:mm"),
            ],
        )
        rows = (
            self.queryset()
            .order_by("organisation__region__sort_order", "organisation__name", "full_name")
            .values_list(
                "full_name",
                "organisation__name",
                "organisation__type",
                f"organisation__region__{region_name}",
                "position",
                "phone",
                "email",
                "date_joined",
            )
        )
        for count, (name, organisation, kind, region, position, phone, email, joined) in enumerate(
            rows.iterator(chunk_size=2000), start=1
        ):
            sheet.append(
                [name, organisation, types.get(kind, ""), region, position, phone, email, joined]
            )
            progress(count)
