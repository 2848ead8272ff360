import unicodedata
from decimal import Decimal

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
            "min_hours",
        ]
        widgets = {"required_sessions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_sessions"].queryset = Session.objects.filter(course=course).order_by(
            "starts_at", "order", "pk"
        )
        self.fields["min_attendance_percent"].widget.attrs.update(min=0, max=100)
        self.fields["min_hours"].required = False
        self.fields["min_hours"].widget.attrs.update(min=0, step="0.5")

    def clean_min_hours(self) -> Decimal:
        return self.cleaned_data.get("min_hours") or Decimal("0")


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


def same_name(typed: str, holder: str) -> bool:
    """Names compared as printed: width (全角/半角), case, spaces and middle dots ignored."""

    def canonical(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).casefold()
        return "".join(ch for ch in text if not ch.isspace() and ch not in "·•.-")

    return bool(canonical(typed)) and canonical(typed) == canonical(holder)


class NameCheckForm(forms.Form):
    name = forms.CharField(
        label=_("Name printed on the certificate"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
