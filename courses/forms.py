"""Input shapes for the course pages. Forms never write: the views pass cleaned data to services."""

import datetime
import zoneinfo
from decimal import Decimal
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation, Region
from courses import time_zones
from courses.models import (
    DEFAULT_TIME_ZONE,
    Course,
    DiscussionGroup,
    HoursRule,
    Material,
    ReadingPackSection,
    Session,
    Speaker,
)
from courses.services.course import COURSE_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# The kinds of unit that host courses; the list of all units (schools, cities...) is too long.
HOST_ORGANISATION_TYPES = [
    Organisation.Type.MINISTRY,
    Organisation.Type.PROVINCIAL_DEPARTMENT,
    Organisation.Type.INDUSTRY_BODY,
]
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _naive_in(moment: datetime.datetime | None, tz) -> datetime.datetime | None:
    """Read a form's datetime as wall-clock time in `tz` (the form parsed it in the server's)."""
    if moment is None:
        return None
    wall = timezone.localtime(moment).replace(tzinfo=None) if timezone.is_aware(moment) else moment
    return timezone.make_aware(wall, tz)


def _course_layout() -> Layout:
    """The course form's fieldsets: the course, when and where, registration, contact."""
    return Layout(
        Fieldset(
            _("The course"),
            "title",
            "summary",
            "description",
            "category",
            "hosts",
            "host_organisations",
        ),
        Fieldset(
            _("When and where"),
            Row(
                Column("starts_on", css_class="col-md-6"),
                Column("ends_on", css_class="col-md-6"),
            ),
            Row(Column("venue", css_class="col-md-6"), Column("city", css_class="col-md-6")),
            Row(
                Column("region", css_class="col-md-6"),
                Column("time_zone", css_class="col-md-6"),
            ),
        ),
        Fieldset(
            _("Registration"),
            Row(
                Column("registration_opens_at", css_class="col-md-6"),
                Column("registration_closes_at", css_class="col-md-6"),
            ),
            Row(
                Column("capacity", css_class="col-md-6"),
                Column("language", css_class="col-md-6"),
            ),
            "requires_approval",
            "eligible_organisation_types",
        ),
        Fieldset(
            _("Contact person"),
            Row(
                Column("contact_name", css_class="col-md-4"),
                Column("contact_phone", css_class="col-md-4"),
                Column("contact_email", css_class="col-md-4"),
            ),
        ),
        Div(Submit("save", pgettext_lazy("button", "Save")), css_class="mt-3"),
    )


class CourseForm(forms.ModelForm):
    eligible_organisation_types = forms.MultipleChoiceField(
        label=_("Eligible organisation types"),
        choices=Organisation.Type.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to accept trainees from every type of organisation."),
    )
    time_zone = forms.ChoiceField(
        label=pgettext_lazy("course", "Time zone"), choices=time_zones.choices
    )
    host_organisations = forms.ModelMultipleChoiceField(
        label=_("Host organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Ministries, national bodies, provincial departments and industry bodies."),
    )
    registration_opens_at = forms.DateTimeField(
        label=_("Registration opens"), required=False, widget=DATETIME_WIDGET
    )
    registration_closes_at = forms.DateTimeField(
        label=_("Registration closes"), required=False, widget=DATETIME_WIDGET
    )

    class Meta:
        model = Course
        fields = COURSE_FIELDS
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.all()
        self.fields["host_organisations"].queryset = Organisation.objects.filter(
            type__in=HOST_ORGANISATION_TYPES
        )
        self.fields["time_zone"].initial = self.instance.time_zone or DEFAULT_TIME_ZONE
        if self.instance.pk:
            self._registration_window_show()
        self.helper = FormHelper()
        self.helper.layout = _course_layout()

    def _registration_window_show(self) -> None:
        """Show the registration window as wall-clock time in the course's time zone."""
        for name in ("registration_opens_at", "registration_closes_at"):
            value = getattr(self.instance, name)
            if value:
                self.initial[name] = timezone.localtime(value, self.instance.tz).replace(
                    tzinfo=None
                )

    def clean(self):
        data = super().clean()
        try:
            tz = zoneinfo.ZoneInfo(data.get("time_zone") or DEFAULT_TIME_ZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tz = zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)
        for name in ("registration_opens_at", "registration_closes_at"):
            data[name] = _naive_in(data.get(name), tz)
        return data

    def course_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["host_organisations"] = list(data.get("host_organisations") or [])
        return data

    def _post_clean(self):
        # The service validates the course; the form only shapes the input.
        pass


class CourseCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Everyone registered receives this reason by e-mail."),
    )


class CourseCloneForm(forms.Form):
    title = forms.CharField(label=_("Title of the new course"), max_length=200)
    starts_on = forms.DateField(
        label=_("First day of the new course"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("All sessions and the registration window move by the same number of days."),
    )


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("session", "Kind"), choices=Session.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    day = forms.DateField(label=pgettext_lazy("calendar date", "Day"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Starts"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=pgettext_lazy("session", "Ends"), widget=TIME_WIDGET)
    room = forms.CharField(
        label=pgettext_lazy("venue", "Room"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for the main hall. One room holds one session at a time."),
    )
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"),
        queryset=Speaker.objects.all(),
        required=False,
        help_text=_("Tick everyone who speaks in this session."),
        widget=forms.CheckboxSelectMultiple,
    )
    discussion_group = forms.ModelChoiceField(
        label=_("Discussion group"), queryset=DiscussionGroup.objects.none(), required=False
    )
    order = forms.IntegerField(label=_("Order within the same start time"), min_value=0, initial=0)
    hours_override = forms.DecimalField(
        label=_("Learning hours"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("24"),
        decimal_places=1,
        help_text=_(
            "Leave empty to count them by the course's hours rule "
            "(opening and closing ceremonies count 0)."
        ),
    )

    def __init__(self, *args, course: Course, **kwargs):
        self.course = course
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["discussion_group"]).queryset = course.groups.all()
        cast(
            forms.ModelMultipleChoiceField, self.fields["speakers"]
        ).queryset = Speaker.objects.order_by("name", "pk")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-4"), Column("title", css_class="col-md-8")),
            Row(
                Column("day", css_class="col-md-4"),
                Column("start_time", css_class="col-6 col-md-4"),
                Column("end_time", css_class="col-6 col-md-4"),
            ),
            Row(
                Column("room", css_class="col-md-6"),
                Column("discussion_group", css_class="col-md-6"),
            ),
            Div("speakers", css_class="choice-list"),
            Row(
                Column("order", css_class="col-6"),
                Column("hours_override", css_class="col-6"),
            ),
            Submit("save", _("Save session")),
        )

    @classmethod
    def initial_for(cls, session: Session) -> dict:
        tz = session.course.tz
        start = timezone.localtime(session.starts_at, tz)
        end = timezone.localtime(session.ends_at, tz)
        return {
            "kind": session.kind,
            "title": session.title,
            "day": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "room": session.room,
            "speakers": list(session.speakers.all()),
            "discussion_group": session.discussion_group,
            "order": session.order,
            "hours_override": session.hours_override,
        }

    def session_data(self) -> dict:
        data = self.cleaned_data
        tz = self.course.tz
        return {
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": timezone.make_aware(
                datetime.datetime.combine(data["day"], data["start_time"]), tz
            ),
            "ends_at": timezone.make_aware(
                datetime.datetime.combine(data["day"], data["end_time"]), tz
            ),
            "room": data.get("room") or "",
            "speakers": list(data.get("speakers") or []),
            "discussion_group": data.get("discussion_group"),
            "order": data.get("order") or 0,
            "hours_override": data.get("hours_override"),
        }


class HoursRuleForm(forms.ModelForm):
    class Meta:
        model = HoursRule
        fields = ["method", "minutes_per_hour", "fixed_hours", "half_day_hours"]
        widgets = {"method": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "method",
            Row(
                Column("minutes_per_hour", css_class="col-md-4"),
                Column("fixed_hours", css_class="col-md-4"),
                Column("half_day_hours", css_class="col-md-4"),
            ),
            Submit("save", pgettext_lazy("button", "Save")),
        )


class SpeakerForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("speaker", "Name"), max_length=100)
    title = forms.CharField(label=pgettext_lazy("speaker", "Title"), max_length=100, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    bio = forms.CharField(
        label=_("Short biography"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save speaker")))


class GroupForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("discussion group", "Name"), max_length=100)
    facilitator = forms.CharField(label=_("Facilitator"), max_length=100, required=False)
    room = forms.CharField(label=pgettext_lazy("venue", "Room"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save group")))


class MaterialUploadForm(forms.Form):
    file = forms.FileField(
        label=pgettext_lazy("uploaded file", "File"),
        help_text=_(
            "PDF, Word, Excel or PowerPoint files, or pictures (PNG, JPG). "
            "Documents with macros are refused."
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=Material.Visibility.choices,
        initial=Material.Visibility.TRAINEES,
    )
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=_("The whole course"),
    )

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session"]).queryset = course.sessions.all()
        self.helper = FormHelper()
        self.helper.add_input(Submit("upload", _("Upload")))


class OrganiserAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the co-organiser"),
        help_text=_("They must already have an account with the organiser role."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("add", _("Add co-organiser")))


class CheckinStaffAddForm(forms.Form):
    identifier = forms.CharField(
        label=_("E-mail address or mobile number"),
        max_length=254,
        help_text=_("The person must already have an account on the portal."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("add", _("Add check-in staff")))


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Course.Category.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.all(),
        empty_label=_("All regions"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m"),
    )
    open = forms.BooleanField(
        label=_("Open for registration"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    organisation_type = forms.ChoiceField(
        label=_("For organisation type"),
        required=False,
        choices=[("", _("All types")), *Organisation.Type.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


# -- Reading pack -----------------------------------------------------------------------------


class PackSectionForm(forms.Form):
    heading = forms.CharField(
        label=_("Heading"),
        max_length=200,
        help_text=_("e.g. 中央领导同志重要指示批示, 中央文件, 部门配套文件"),
    )
    note = forms.CharField(
        label=_("Note (shown to trainees)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", submit_label or _("Add the section")))


class PackItemNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (shown to trainees)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save the note")))


class PackItemAddForm(forms.Form):
    """Add a document (by id, from the search results) or a material to a section."""

    section: "forms.ModelChoiceField[ReadingPackSection]" = forms.ModelChoiceField(
        label=_("Section"), queryset=None, empty_label=None
    )
    document = forms.IntegerField(required=False, widget=forms.HiddenInput)
    material: "forms.ModelChoiceField[Material]" = forms.ModelChoiceField(
        label=_("Material"), queryset=None, required=False
    )
    note = forms.CharField(label=_("Note (shown to trainees)"), required=False, max_length=2000)

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["section"]
        ).queryset = course.pack_sections.order_by("order", "pk")
        cast(forms.ModelChoiceField, self.fields["material"]).queryset = course.materials.order_by(
            "title", "pk"
        )
