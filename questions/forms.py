from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import Course, Session, Speaker
from questions.models import Faq, Question
from questions.selectors import (
    TriageFilters,
    session_list_for_questions,
    speaker_list_for_questions,
)


class _CourseTargetForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=Session.objects.none(), required=False
    )
    speaker = forms.ModelChoiceField(
        label=_("Speaker"), queryset=Speaker.objects.none(), required=False
    )

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session"]).queryset = session_list_for_questions(
            course
        )
        cast(forms.ModelChoiceField, self.fields["speaker"]).queryset = speaker_list_for_questions(
            course
        )


class QuestionForm(_CourseTargetForm):
    text = forms.CharField(
        label=_("Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    anonymous = forms.BooleanField(
        label=_("Hide my name from other trainees"),
        help_text=_("The organisers always see who asked."),
        required=False,
    )
    field_order = ["text", "session", "speaker", "anonymous"]


class QuestionAssignForm(_CourseTargetForm):
    topic = forms.CharField(label=_("Topic"), max_length=100, required=False)


class QuestionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


STATUS_FILTER_CHOICES = [
    ("", pgettext_lazy("filter", "All")),
    *Question.Status.choices,
    ("merged", _("Duplicates")),
]


class TriageFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)
    session = forms.ModelChoiceField(
        label=_("Session"), queryset=Session.objects.none(), required=False
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session"]).queryset = session_list_for_questions(
            course
        )
        self.fields["status"].widget.attrs["class"] = "form-select"
        self.fields["session"].widget.attrs["class"] = "form-select"
        self.fields["q"].widget.attrs["class"] = "form-control"

    def filters(self) -> TriageFilters:
        """The chosen filters; none while the form is empty or invalid."""
        if not self.is_valid():
            return TriageFilters()
        data = self.cleaned_data
        return TriageFilters(
            status=data["status"] or "",
            session_id=data["session"].pk if data["session"] else None,
            q=data["q"] or "",
        )


class FaqPublishForm(forms.Form):
    grouping = forms.ChoiceField(
        label=_("Group the questions"), choices=Faq.Grouping.choices, initial="session"
    )
