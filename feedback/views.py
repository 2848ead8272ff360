"""Feedback pages: the organisers' survey editor and results, and the trainees' survey.

The editor is one page with several forms; each posts to its own URL and comes back to the
page (`SurveyEditorMixin`).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from courses.mixins import ManagedCourseMixin
from feedback import selectors, services
from feedback.forms import (
    SurveyCopyForm,
    SurveyQuestionForm,
    SurveyResponseForm,
    SurveySettingsForm,
)
from feedback.models import Survey, SurveyQuestion
from portal.auth_types import signed_in
from portal.views_base import ServiceActionView, ServiceFormView

PLEASE_CORRECT = gettext_lazy("Please correct the errors below.")


def _int(value) -> int:
    """A posted id, or 0 (matches nothing) when it is not one."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**31 else 0


class SurveyEditorMixin(ManagedCourseMixin):
    """The survey editor of `self.course`: every form on it comes back to it.

    A refusal is an error message on the page. A view whose action needs a saved survey sets
    `needs_survey`; a view with a form names its place on the page in `form_slot`.
    """

    request: HttpRequest

    template_name = "feedback/survey_update.html"
    refused_as = "redirect"
    needs_survey = True
    form_slot = ""

    @cached_property
    def survey(self) -> Survey | None:
        return selectors.survey_of(self.course)

    def get_context_data(self, **kwargs) -> dict:
        page = selectors.survey_editor(user=self.request.user, course=self.course)
        forms = {
            "settings_form": SurveySettingsForm(instance=page["survey"]),
            "question_form": SurveyQuestionForm(),
            "copy_form": SurveyCopyForm(sources=page["sources"]),
        }
        if "form" in kwargs:
            forms[self.form_slot] = kwargs.pop("form")
        return {"course": self.course, **page, **forms, **kwargs}

    def get_success_url(self, result) -> str:
        return reverse("feedback:survey-update", args=[self.course.pk])

    def post(self, request, *args, **kwargs):
        if self.needs_survey and self.survey is None:
            return self.refused(
                ValidationError(_("Save the survey settings first."), code="no_survey")
            )
        return super().post(request, *args, **kwargs)


class SurveyUpdateView(SurveyEditorMixin, ServiceFormView):
    """The editor page; its own form is the survey's settings."""

    form_class = SurveySettingsForm
    form_slot = "settings_form"
    needs_survey = False
    invalid_message = PLEASE_CORRECT
    success_message = gettext_lazy("The survey has been saved.")

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.get_context_data())

    def run_service(self, form):
        return services.survey_save(user=self.request.user, course=self.course, **form.cleaned_data)


class SurveyCopyView(SurveyEditorMixin, ServiceFormView):
    form_class = SurveyCopyForm
    form_slot = "copy_form"
    needs_survey = False
    http_method_names = ["post", "options"]
    invalid_message = gettext_lazy("Choose a course whose survey you organise.")

    def get_form_kwargs(self) -> dict:
        return {
            "sources": selectors.survey_copy_sources(user=self.request.user, course=self.course)
        }

    def run_service(self, form):
        source = form.cleaned_data["source"]
        copied = services.survey_copy(user=self.request.user, course=self.course, source=source)
        return copied, source

    def get_success_message(self, result) -> str:
        copied, source = result
        return _("%(n)s questions copied from “%(course)s”.") % {
            "n": copied,
            "course": source.title,
        }


class SurveyTemplateApplyView(SurveyEditorMixin, ServiceActionView):
    success_message = gettext_lazy("The survey has been saved.")

    def run_service(self):
        return services.survey_template_apply(user=self.request.user, survey=self.survey)


class SurveyQuestionCreateView(SurveyEditorMixin, ServiceFormView):
    form_class = SurveyQuestionForm
    form_slot = "question_form"
    http_method_names = ["post", "options"]
    invalid_message = PLEASE_CORRECT
    success_message = gettext_lazy("The survey has been saved.")

    def run_service(self, form):
        return services.survey_question_add(
            user=self.request.user, survey=self.survey, **form.cleaned_data
        )


class SurveyQuestionActionView(SurveyEditorMixin, ServiceActionView):
    """An action on the question whose id is posted as `question`, in this course's survey."""

    def posted_question(self) -> SurveyQuestion:
        question_id = _int(self.request.POST.get("question"))
        survey = self.survey
        # `needs_survey`: post() has refused the action already when there is no survey.
        assert survey is not None
        question = selectors.survey_question_of(survey, question_id)
        if question is None:
            raise ValidationError(
                _("This question no longer exists; the page shows the survey as it is now."),
                code="not_found",
            )
        return question


class SurveyQuestionDeleteView(SurveyQuestionActionView):
    success_message = gettext_lazy("The question has been deleted.")

    def run_service(self):
        services.survey_question_delete(user=self.request.user, question=self.posted_question())


class SurveyQuestionMoveView(SurveyQuestionActionView):
    """One place up or down; `direction` comes from the URL."""

    direction = ""
    success_message = gettext_lazy("The question has been moved.")

    def run_service(self):
        services.survey_question_move(
            user=self.request.user, question=self.posted_question(), direction=self.direction
        )


class SurveyQuestionsReorderView(SurveyEditorMixin, ServiceActionView):
    """The whole order at once (posted by the editor's drag and drop)."""

    success_message = gettext_lazy("The questions have been reordered.")

    def run_service(self):
        order = [_int(pk) for pk in self.request.POST.get("order", "").split(",")]
        services.survey_questions_reorder(user=self.request.user, survey=self.survey, order=order)


class KeepWhatWasTypedMixin:
    """Invalid or refused, the page comes back with the form as typed and why above it."""

    invalid_message = PLEASE_CORRECT
    refused_as = "message"


class SurveyQuestionUpdateView(KeepWhatWasTypedMixin, ManagedCourseMixin, ServiceFormView):
    """Change one question's wording, kind, choices or whether it is required.

    A refusal keeps whatever was typed in the form, so nothing is lost.
    """

    template_name = "feedback/surveyquestion_update.html"
    form_class = SurveyQuestionForm
    success_message = gettext_lazy("The question has been saved.")

    @cached_property
    def question(self) -> SurveyQuestion:
        question = selectors.survey_question_of_course(self.course, self.kwargs["question_pk"])
        if question is None:
            raise Http404
        return question

    @cached_property
    def answered(self) -> bool:
        return self.question.answers.exists()

    def get_form_kwargs(self) -> dict:
        return {"instance": self.question, "answered": self.answered}

    def get_context_data(self, **kwargs) -> dict:
        return {
            "course": self.question.survey.course,
            "question": self.question,
            "answered": self.answered,
            **kwargs,
        }

    def run_service(self, form):
        fields = {name: form.cleaned_data[name] for name in ("kind", "text", "choices", "required")}
        return services.survey_question_update(
            user=self.request.user, question=self.question, **fields
        )

    def get_success_url(self, result) -> str:
        return reverse("feedback:survey-update", args=[self.course.pk])


class ResponseCreateView(KeepWhatWasTypedMixin, LoginRequiredMixin, ServiceFormView):
    """The trainee's survey: a refusal keeps the answers given, with the reason above them."""

    template_name = "feedback/response_create.html"
    form_class = SurveyResponseForm
    success_message = gettext_lazy("Thank you for your feedback.")

    @cached_property
    def survey(self) -> Survey:
        try:
            return selectors.survey_for_trainee(user=self.request.user, course_id=self.kwargs["pk"])
        except Survey.DoesNotExist as exc:
            raise Http404 from exc

    def get_form_kwargs(self) -> dict:
        return {
            "questions": selectors.survey_questions(self.survey),
            "sessions": selectors.survey_sessions(self.survey.course),
        }

    def get_context_data(self, **kwargs) -> dict:
        return {
            "survey": self.survey,
            "course": self.survey.course,
            "state": selectors.survey_state(self.survey),
            "responded": selectors.has_responded(user=signed_in(self.request), survey=self.survey),
            **kwargs,
        }

    def run_service(self, form):
        seen = self.request.POST.get("anonymous_seen")
        return services.survey_submit(
            user=self.request.user,
            survey=self.survey,
            answers=form.answers(),
            anonymous_seen=None if seen is None else seen == "1",
        )

    def get_success_url(self, result) -> str:
        return reverse("feedback:response-create", args=[self.survey.course_id])


class SurveyPreviewView(ManagedCourseMixin, View):
    """The survey as trainees will see it, for its organisers; nothing can be submitted."""

    def get(self, request, pk):
        course = self.course
        survey = get_object_or_404(Survey, course=course)
        form = SurveyResponseForm(
            questions=selectors.survey_questions(survey),
            sessions=selectors.survey_sessions(course),
        )
        return render(
            request,
            "feedback/response_create.html",
            {
                "survey": survey,
                "course": course,
                "state": "open",
                "responded": False,
                "form": form,
                "preview": True,
            },
        )


class SurveyResultsView(ManagedCourseMixin, View):
    template_name = "feedback/survey_results.html"

    def get(self, request, pk):
        course = self.course
        survey = get_object_or_404(Survey, course=course)
        return render(
            request,
            self.template_name,
            {"course": course, "survey": survey, "results": selectors.survey_results(survey)},
        )
