from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation, Region, User, mobile_validator


class ProfileFieldsMixin(forms.Form):
    full_name = forms.CharField(
        label=pgettext_lazy("person", "Full name"),
        max_length=100,
        help_text=_("Chinese names surname first, without a space, e.g. 张三."),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        required=False,
        validators=[mobile_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    organisation_type = forms.ChoiceField(
        label=_("Organisation type"),
        choices=[("", _("Choose a type")), *Organisation.Type.choices],
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), empty_label=_("Choose a region")
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=User.Language.choices
    )

    def profile_data(self) -> dict:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "phone": data.get("phone", ""),
            "position": data.get("position", ""),
            "organisation_name": data["organisation_name"],
            "organisation_type": data["organisation_type"],
            "region": data["region"],
            "preferred_language": data["preferred_language"],
        }


class SignupForm(ProfileFieldsMixin):
    """Extra fields of allauth's sign-up form (allauth adds e-mail and passwords)."""

    field_order = [
        "email",
        "full_name",
        "organisation_name",
        "organisation_type",
        "region",
        "phone",
        "position",
        "preferred_language",
        "password1",
        "password2",
    ]

    def signup(self, request, user: User) -> None:
        from accounts.services import profile_update

        profile_update(user=user, **self.profile_data())


class ProfileUpdateForm(ProfileFieldsMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", pgettext_lazy("button", "Save")))

    @classmethod
    def initial_for(cls, user: User) -> dict:
        organisation = user.organisation
        return {
            "full_name": user.full_name,
            "phone": user.phone,
            "position": user.position,
            "organisation_name": organisation.name if organisation else "",
            "organisation_type": organisation.type if organisation else "",
            "region": organisation.region_id if organisation else None,
            "preferred_language": user.preferred_language,
        }


class LanguageSwitchForm(forms.Form):
    language = forms.ChoiceField(choices=User.Language.choices)
