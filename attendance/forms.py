from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from attendance.models import Attendance, AttendanceSettings


class AttendanceSettingsUpdateForm(forms.ModelForm):
    class Meta:
        model = AttendanceSettings
        fields = ["auto_absent", "late_after_minutes", "late_hours", "excused_hours"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A form without the hours choices keeps the course's current ones.
        for name in ("late_hours", "excused_hours"):
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        for name in ("late_hours", "excused_hours"):
            data[name] = data.get(name) or getattr(self.instance, name)
        return data


class AttendanceMarkForm(forms.Form):
    """One roster button: `mark` is "<registration id>:<status>", `undo` a registration id."""

    mark = forms.RegexField(regex=r"^\d+:[a-z]+$", required=False)
    undo = forms.IntegerField(required=False, min_value=1)
    remark = forms.CharField(required=False, max_length=200)
    reason = forms.CharField(required=False, max_length=200)

    def clean(self):
        data = super().clean()
        mark = data.get("mark")
        if mark:
            registration, status = mark.split(":")
            if status not in Attendance.Status.values:
                raise forms.ValidationError(_("Choose present, late, excused or absent."))
            data["registration_id"], data["status"] = int(registration), status
        elif not data.get("undo"):
            raise forms.ValidationError(_("Choose a trainee and a mark."))
        return data


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=pgettext_lazy("person", "Name"), required=False, max_length=100)
    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("All groups"))] + [(g.pk, g.name) for g in groups]


class AttendanceImportForm(forms.Form):
    """The uploaded sheet; `attendance_import_read` checks it (a missing file included)."""

    file = forms.Field(required=False, widget=forms.FileInput)
    reason = forms.CharField(
        label=_("Reason for corrections"),
        required=False,
        max_length=200,
        help_text=_("Needed when the sheet changes marks already given."),
    )
