from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from feedback.models import Survey, SurveyQuestion

RATINGS = [(str(n), str(n)) for n in range(1, 6)]


class SurveySettingsForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["intro", "open_days", "anonymous"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 2})}


class SurveyQuestionForm(forms.ModelForm):
    class Meta:
        model = SurveyQuestion
        fields = ["kind", "text", "choices", "required"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, answered: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if answered:
            # The kind of an answered question stays; the service refuses it anyway.
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _(
                "Trainees have answered this question, so its kind can no longer change."
            )
            self.fields["choices"].help_text = _(
                "One choice per line. Choices already chosen must stay; you may add new ones."
            )


class SurveyCopyForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Copy the questions of"),
        queryset=Course.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.fields["source"].label_from_instance = lambda course: (
            f"{course.title} · {course.starts_on:%Y-%m-%d}" if course.starts_on else course.title
        )


class SurveyResponseForm(forms.Form):
    """One field per question; per-session ratings get one field per session."""

    def __init__(self, *args, questions, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.sessions = sessions
        for question in questions:
            name = f"q{question.pk}"
            required = question.required
            if question.kind == SurveyQuestion.Kind.RATING:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=RATINGS,
                    widget=forms.RadioSelect,
                    required=required,
                )
            elif question.kind == SurveyQuestion.Kind.SESSION_RATING:
                for session in sessions:
                    self.fields[f"{name}_s{session.pk}"] = forms.ChoiceField(
                        label=f"{question.text} · {session.title}",
                        choices=RATINGS,
                        widget=forms.RadioSelect,
                        required=False,
                    )
            elif question.kind == SurveyQuestion.Kind.SINGLE:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=[(c, c) for c in question.choice_list],
                    widget=forms.RadioSelect,
                    required=required,
                )
            elif question.kind == SurveyQuestion.Kind.MULTIPLE:
                self.fields[name] = forms.MultipleChoiceField(
                    label=question.text,
                    choices=[(c, c) for c in question.choice_list],
                    widget=forms.CheckboxSelectMultiple,
                    required=required,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    max_length=5000,
                    required=required,
                )

    def answers(self) -> dict:
        data = self.cleaned_data
        answers: dict[int, object] = {}
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == SurveyQuestion.Kind.SESSION_RATING:
                answers[question.pk] = {
                    s.pk: data.get(f"{name}_s{s.pk}")
                    for s in self.sessions
                    if data.get(f"{name}_s{s.pk}")
                }
            else:
                answers[question.pk] = data.get(name)
        return answers


KIND_HELP = _("Single and multiple choice questions need their choices, one per line.")
