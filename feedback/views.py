"""Feedback pages: the organisers' survey editor and results, and the trainees' survey."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
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


def _error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class SurveyUpdateView(ManagedCourseMixin, View):
    template_name = "feedback/survey_update.html"

    def get(self, request, pk, settings_form=None, question_form=None, copy_form=None):
        course = self.course
        survey = Survey.objects.filter(course=course).first()
        opens, closes = selectors.survey_window(survey) if survey else (None, None)
        questions = selectors.survey_questions(survey) if survey else []
        counts = selectors.question_answer_counts(survey) if survey else {}
        for question in questions:
            question.answer_count = counts.get(question.pk, 0)
        sources = selectors.survey_copy_sources(user=request.user, course=course)
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "survey": survey,
                "opens": opens,
                "closes": closes,
                "questions": questions,
                "has_responses": bool(survey and survey.responses.exists()),
                "settings_form": settings_form or SurveySettingsForm(instance=survey),
                "question_form": question_form or SurveyQuestionForm(),
                "copy_form": copy_form or SurveyCopyForm(sources=sources),
            },
        )

    def post(self, request, pk):
        course = self.course
        action = request.POST.get("action")
        survey = Survey.objects.filter(course=course).first()
        success = _("The survey has been saved.")
        try:
            if action == "settings":
                form = SurveySettingsForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Please correct the errors below."))
                    return self.get(request, pk, settings_form=form)
                services.survey_save(user=request.user, course=course, **form.cleaned_data)
            elif action == "copy":
                sources = selectors.survey_copy_sources(user=request.user, course=course)
                form = SurveyCopyForm(request.POST, sources=sources)
                if not form.is_valid():
                    messages.error(request, _("Choose a course whose survey you organise."))
                    return self.get(request, pk, copy_form=form)
                source = form.cleaned_data["source"]
                copied = services.survey_copy(user=request.user, course=course, source=source)
                success = _("%(n)s questions copied from “%(course)s”.") % {
                    "n": copied,
                    "course": source.title,
                }
            elif survey is None:
                raise ValidationError(_("Save the survey settings first."), code="no_survey")
            elif action == "template":
                services.survey_template_apply(user=request.user, survey=survey)
            elif action == "add":
                form = SurveyQuestionForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Please correct the errors below."))
                    return self.get(request, pk, question_form=form)
                services.survey_question_add(user=request.user, survey=survey, **form.cleaned_data)
            elif action in ("delete", "up", "down"):
                question = SurveyQuestion.objects.filter(
                    survey=survey, pk=_int(request.POST.get("question"))
                ).first()
                if question is None:
                    raise ValidationError(
                        _(
                            "This question no longer exists; the page shows the survey as it is now."
                        ),
                        code="not_found",
                    )
                if action == "delete":
                    services.survey_question_delete(user=request.user, question=question)
                    success = _("The question has been deleted.")
                else:
                    services.survey_question_move(
                        user=request.user, question=question, direction=action
                    )
                    success = _("The question has been moved.")
            elif action == "reorder":
                order = [_int(pk) for pk in request.POST.get("order", "").split(",")]
                services.survey_questions_reorder(user=request.user, survey=survey, order=order)
                success = _("The questions have been reordered.")
            else:
                raise ValidationError(_("Unknown action."), code="invalid_action")
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, success)
        return redirect("feedback:survey-update", pk=course.pk)


def _int(value) -> int:
    """A posted id, or 0 (matches nothing) when it is not one."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**31 else 0


class SurveyQuestionUpdateView(ManagedCourseMixin, View):
    """Change one question's wording, kind, choices or whether it is required."""

    template_name = "feedback/surveyquestion_update.html"

    def _question(self, request, pk, question_pk) -> SurveyQuestion:
        course = self.course
        return get_object_or_404(
            SurveyQuestion.objects.select_related("survey__course"),
            survey__course=course,
            pk=question_pk,
        )

    def _render(self, request, question, form, answered):
        return render(
            request,
            self.template_name,
            {
                "course": question.survey.course,
                "question": question,
                "form": form,
                "answered": answered,
            },
        )

    def get(self, request, pk, question_pk):
        question = self._question(request, pk, question_pk)
        answered = question.answers.exists()
        form = SurveyQuestionForm(instance=question, answered=answered)
        return self._render(request, question, form, answered)

    def post(self, request, pk, question_pk):
        question = self._question(request, pk, question_pk)
        answered = question.answers.exists()
        form = SurveyQuestionForm(request.POST, instance=question, answered=answered)
        if form.is_valid():
            try:
                services.survey_question_update(
                    user=request.user, question=question, **_unsaved(form)
                )
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("The question has been saved."))
                return redirect("feedback:survey-update", pk=pk)
        else:
            messages.error(request, _("Please correct the errors below."))
        # Whatever was typed stays in the form, so a refusal loses nothing.
        return self._render(request, question, form, answered)


def _unsaved(form) -> dict:
    return {name: form.cleaned_data[name] for name in ("kind", "text", "choices", "required")}


class ResponseCreateView(LoginRequiredMixin, View):
    template_name = "feedback/response_create.html"

    def _survey(self, request, pk) -> Survey:
        try:
            return selectors.survey_for_trainee(user=request.user, course_id=pk)
        except Survey.DoesNotExist as exc:
            raise Http404 from exc

    def _render(self, request, survey, form):
        return render(
            request,
            self.template_name,
            {
                "survey": survey,
                "course": survey.course,
                "state": selectors.survey_state(survey),
                "responded": selectors.has_responded(user=request.user, survey=survey),
                "form": form,
            },
        )

    def _form(self, survey, data=None):
        return SurveyResponseForm(
            data,
            questions=selectors.survey_questions(survey),
            sessions=selectors.survey_sessions(survey.course),
        )

    def get(self, request, pk):
        survey = self._survey(request, pk)
        return self._render(request, survey, self._form(survey))

    def post(self, request, pk):
        survey = self._survey(request, pk)
        form = self._form(survey, request.POST)
        if form.is_valid():
            try:
                seen = request.POST.get("anonymous_seen")
                services.survey_submit(
                    user=request.user,
                    survey=survey,
                    answers=form.answers(),
                    anonymous_seen=None if seen is None else seen == "1",
                )
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("Thank you for your feedback."))
                return redirect("feedback:response-create", pk=pk)
        else:
            messages.error(request, _("Please correct the errors below."))
        return self._render(request, survey, form)


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
