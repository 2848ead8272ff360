from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import CODE_LENGTH, CertificateRule, normalise_code
from courses.models import Session


class CertificateRuleForm(forms.ModelForm):
    class Meta:
        model = CertificateRule
        fields = [
            "auto_issue",
            "min_attendance_percent",
            "count_excused",
            "required_sessions",
            "require_feedback",
        ]
        widgets = {"required_sessions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_sessions"].queryset = Session.objects.filter(course=course).order_by(
            "starts_at", "order", "pk"
        )
        self.fields["min_attendance_percent"].widget.attrs.update(min=0, max=100)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.TextInput(attrs={"required": True})
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate number"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                _("A certificate number has %(n)s letters and digits."),
                code="invalid_code",
                params={"n": CODE_LENGTH},
            )
        return code
