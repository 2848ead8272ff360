"""Question pages: the trainees' queue, the organisers' triage, the live view for the Q&A
session, and the FAQ. Trainee-facing pages and JSON never name the asker of an anonymous
question."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from courses.mixins import ManagedCourseMixin
from courses.models import Course
from courses.selectors import course_can_edit
from enrollment.selectors import is_confirmed_trainee
from questions import selectors, services
from questions.forms import (
    FaqPublishForm,
    QuestionAssignForm,
    QuestionForm,
    TriageFilterForm,
)
from questions.models import Question

QUEUE_LIMIT = 300
TRIAGE_LIMIT = 500


def _trainee_course(request, pk) -> Course:
    try:
        return selectors.course_for_trainee(user=request.user, course_id=pk)
    except Course.DoesNotExist as exc:
        raise Http404 from exc


def _error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class QuestionListView(LoginRequiredMixin, View):
    """The trainees' queue: visible questions by votes or time, the ask form, my questions."""

    template_name = "questions/question_list.html"

    def get(self, request, pk, form=None):
        course = _trainee_course(request, pk)
        order = "time" if request.GET.get("order") == "time" else "votes"
        registered = is_confirmed_trainee(user=request.user, course=course)
        ended = selectors.course_has_ended(course)
        can_ask = registered and not ended and course.status == Course.Status.PUBLISHED
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "order": order,
                "questions": list(
                    selectors.question_queue(course=course, user=request.user, order=order)[
                        :QUEUE_LIMIT
                    ]
                ),
                "mine": list(selectors.question_list_mine(course=course, user=request.user)),
                "form": form or (QuestionForm(course=course) if can_ask else None),
                "can_ask": can_ask,
                "registered": registered,
                "ended": ended,
                "can_triage": course_can_edit(user=request.user, course=course),
                "faq": selectors.faq_for(course),
            },
        )


class QuestionCreateView(LoginRequiredMixin, View):
    def post(self, request, pk):
        course = _trainee_course(request, pk)
        form = QuestionForm(request.POST, course=course)
        if not form.is_valid():
            messages.error(request, _("Please correct the question below."))
            return QuestionListView().get(request, pk, form=form)
        try:
            services.question_ask(user=request.user, course=course, **form.cleaned_data)
        except ValidationError as exc:
            _error(request, exc)
            return redirect("questions:question-list", pk=course.pk)
        messages.success(request, _("Your question has been sent. The organisers will review it."))
        return redirect(reverse("questions:question-list", args=[course.pk]) + "#my-questions")


class QuestionUpdateView(LoginRequiredMixin, View):
    template_name = "questions/question_update.html"

    def _question(self, request, pk) -> Question:
        try:
            return selectors.question_for_asker(user=request.user, question_id=pk)
        except Question.DoesNotExist as exc:
            raise Http404 from exc

    def get(self, request, pk):
        question = self._question(request, pk)
        form = QuestionForm(
            course=question.course,
            initial={
                "text": question.text,
                "session": question.session_id,
                "speaker": question.speaker_id,
                "anonymous": question.anonymous,
            },
        )
        return render(request, self.template_name, {"question": question, "form": form})

    def post(self, request, pk):
        question = self._question(request, pk)
        form = QuestionForm(request.POST, course=question.course)
        if form.is_valid():
            try:
                services.question_edit(user=request.user, question=question, **form.cleaned_data)
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("Your question has been changed."))
                return redirect(
                    reverse("questions:question-list", args=[question.course_id]) + "#my-questions"
                )
        return render(request, self.template_name, {"question": question, "form": form})


class VoteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        try:
            question = selectors.question_for_voter(user=request.user, question_id=pk)
        except Question.DoesNotExist as exc:
            raise Http404 from exc
        try:
            if request.POST.get("action") == "remove":
                services.vote_remove(user=request.user, question=question)
            else:
                services.vote_add(user=request.user, question=question)
        except ValidationError as exc:
            _error(request, exc)
        order = "time" if request.POST.get("order") == "time" else "votes"
        return redirect(
            reverse("questions:question-list", args=[question.course_id])
            + f"?order={order}#question-{question.pk}"
        )


class QuestionTriageView(ManagedCourseMixin, View):
    template_name = "questions/question_triage.html"

    def get(self, request, pk):
        course = self.course
        filter_form = TriageFilterForm(request.GET or None, course=course)
        filters = selectors.TriageFilters()
        if filter_form.is_valid():
            data = filter_form.cleaned_data
            filters = selectors.TriageFilters(
                status=data["status"] or "",
                session_id=data["session"].pk if data["session"] else None,
                q=data["q"] or "",
            )
        questions = list(
            selectors.question_list_for_triage(course=course, filters=filters)[:TRIAGE_LIMIT]
        )
        assign_form = QuestionAssignForm(course=course)
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "filter_form": filter_form,
                "questions": questions,
                "sessions": list(assign_form.fields["session"].queryset),
                "speakers": list(assign_form.fields["speaker"].queryset),
                "counts": selectors.question_status_counts(course),
                "back": "?" + request.GET.urlencode() if request.GET else "",
                "faq": selectors.faq_for(course),
                "faq_form": FaqPublishForm(),
                "ended": selectors.course_has_ended(course),
                "statuses": Question.Status,
            },
        )


class QuestionActionView(LoginRequiredMixin, View):
    """One triage action on one question: answer, on the spot, under study, hide, show, open,
    assign, merge."""

    def post(self, request, pk):
        try:
            question = selectors.question_for_organiser(user=request.user, question_id=pk)
        except Question.DoesNotExist as exc:
            raise Http404 from exc
        action = request.POST.get("action", "")
        user = request.user
        try:
            if action == "answer":
                services.question_answer(
                    user=user, question=question, answer=request.POST.get("answer", "")
                )
            elif action == "on_the_spot":
                services.question_answer(
                    user=user,
                    question=question,
                    answer=request.POST.get("answer", ""),
                    status=Question.Status.ON_THE_SPOT,
                )
            elif action in ("under_study", "hidden", "open"):
                services.question_set_status(user=user, question=question, status=action)
            elif action in ("show", "unshow"):
                services.question_set_visible(
                    user=user,
                    course=question.course,
                    question_ids=[question.pk],
                    visible=action == "show",
                )
            elif action == "assign":
                form = QuestionAssignForm(request.POST, course=question.course)
                if not form.is_valid():
                    raise ValidationError(
                        _("Choose a session and speaker of this course."), code="invalid"
                    )
                services.question_assign(user=user, question=question, **form.cleaned_data)
            elif action == "merge":
                try:
                    target = selectors.question_for_organiser(
                        user=user, question_id=int(request.POST.get("target") or 0)
                    )
                except (Question.DoesNotExist, ValueError) as exc:
                    raise ValidationError(
                        _("Choose the question this one duplicates."), code="invalid_target"
                    ) from exc
                services.question_merge(user=user, duplicate=question, target=target)
            else:
                raise ValidationError(_("Unknown action."), code="invalid_action")
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Question %(n)d updated.") % {"n": question.pk})
        back = request.POST.get("back", "")
        url = reverse("questions:question-triage", args=[question.course_id])
        if back.startswith("?"):
            url += back
        return redirect(f"{url}#question-{question.pk}")


class QuestionBulkView(ManagedCourseMixin, View):
    def post(self, request, pk):
        course = self.course
        ids = [int(v) for v in request.POST.getlist("questions") if v.isdigit()]
        action = request.POST.get("action")
        if not ids:
            messages.error(request, _("Select at least one question."))
        elif action in ("show", "unshow"):
            changed = services.question_set_visible(
                user=request.user, course=course, question_ids=ids, visible=action == "show"
            )
            messages.success(request, _("%(n)d questions updated.") % {"n": changed})
        elif action == "hide":
            for question in Question.objects.filter(course=course, pk__in=ids):
                services.question_set_status(
                    user=request.user, question=question, status=Question.Status.HIDDEN
                )
            messages.success(request, _("%(n)d questions updated.") % {"n": len(ids)})
        else:
            messages.error(request, _("Unknown action."))
        return redirect("questions:question-triage", pk=course.pk)


class QuestionLiveView(LoginRequiredMixin, View):
    """The top questions in large type, for the projector; static/js/questions-live.js polls."""

    template_name = "questions/question_live.html"

    def get(self, request, pk):
        course = _trainee_course(request, pk)
        return render(
            request,
            self.template_name,
            {"course": course, "questions": selectors.question_list_live(course)},
        )


class QuestionLiveDataView(LoginRequiredMixin, View):
    def get(self, request, pk):
        course = _trainee_course(request, pk)
        rows = [selectors.question_public_dict(q) for q in selectors.question_list_live(course)]
        response = JsonResponse({"questions": rows})
        response["Cache-Control"] = "no-store"
        return response


class FaqDetailView(LoginRequiredMixin, View):
    template_name = "questions/faq_detail.html"

    def get(self, request, pk):
        course = _trainee_course(request, pk)
        faq = selectors.faq_for(course)
        can_triage = course_can_edit(user=request.user, course=course)
        if not (faq and faq.published_at) and not can_triage:
            raise Http404
        grouping = faq.grouping if faq else "session"
        return render(
            request,
            self.template_name,
            {
                "course": course,
                "faq": faq,
                "can_triage": can_triage,
                "groups": selectors.faq_groups(
                    course=course, grouping=grouping, general=_("General questions")
                ),
            },
        )


class FaqPublishView(ManagedCourseMixin, View):
    def post(self, request, pk):
        course = self.course
        if request.POST.get("action") == "unpublish":
            services.faq_unpublish(user=request.user, course=course)
            messages.success(request, _("The FAQ is no longer published."))
            return redirect("questions:question-triage", pk=course.pk)
        form = FaqPublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose how to group the FAQ."))
            return redirect("questions:question-triage", pk=course.pk)
        try:
            services.faq_publish(
                user=request.user, course=course, grouping=form.cleaned_data["grouping"]
            )
        except ValidationError as exc:
            _error(request, exc)
            return redirect("questions:question-triage", pk=course.pk)
        messages.success(request, _("The FAQ is published to the course's trainees."))
        return redirect("questions:faq-detail", pk=course.pk)
