"""Input shapes for the enrollment pages. Forms never write: views pass cleaned data to services."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import ProfileUpdateForm
from accounts.models import Organisation, Region
from courses.models import Course
from enrollment.models import Registration


class RegistrationProfileForm(ProfileUpdateForm):
    """The profile a trainee confirms before registering (saved to their account)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []
        self.fields["phone"].required = True


class RegistrationCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegistrationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Registration.Status.choices],
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.all(),
        empty_label=_("All regions"),
    )
    organisation_type = forms.ChoiceField(
        label=_("Organisation type"),
        required=False,
        choices=[("", _("All types")), *Organisation.Type.choices],
    )
    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name, organisation or phone")}),
    )

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["group"]).choices = [
            ("", _("All groups")),
            (0, _("Without a group")),
            *[(group.pk, group.name) for group in course.groups.all()],
        ]


class RegistrationDecisionForm(forms.Form):
    """The ticked registrations to approve or reject (each has its own URL)."""

    registrations = forms.TypedMultipleChoiceField(coerce=int, choices=())
    reason = forms.CharField(
        label=_("Reason for rejecting (the trainees see it)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        # Any of the course's registrations; the service checks their status under the lock.
        cast(forms.ChoiceField, self.fields["registrations"]).choices = [
            (pk, pk)
            for pk in Registration.objects.filter(course=course).values_list("pk", flat=True)
        ]
        self.fields["registrations"].error_messages["required"] = _(
            "Tick at least one registration."
        )


class NominatingUnitForm(forms.Form):
    contact_email = forms.EmailField(
        label=_("Contact person's e-mail"),
        help_text=_("A trainee with an account; their organisation becomes the nominating unit."),
    )
    seat_allowance = forms.IntegerField(
        label=_("Seat allowance"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for no limit of its own."),
    )


class NomineeForm(forms.Form):
    full_name = forms.CharField(
        label=pgettext_lazy("person", "Full name"), max_length=100, required=False
    )
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    organisation_type = forms.ChoiceField(
        label=_("Organisation type"),
        required=False,
        choices=[("", "—"), *Organisation.Type.choices],
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label="—"
    )
    position = forms.CharField(label=_("Position"), max_length=100, required=False)

    def row_values(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "full_name": data.get("full_name") or "",
            "email": data.get("email") or "",
            "phone": data.get("phone") or "",
            "organisation_name": data.get("organisation_name") or "",
            "organisation_type": data.get("organisation_type") or "",
            "region": data["region"].code if data.get("region") else "",
            "position": data.get("position") or "",
        }


NomineeFormSet = forms.formset_factory(NomineeForm, extra=5, max_num=50, absolute_max=50)


class NomineeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        help_text=_(
            "Use the template. Every row is checked; nothing is saved unless all are right."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class RegistrantMessageForm(RegistrationFilterForm):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("Only names, organisations or phones containing")
