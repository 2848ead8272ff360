"""Question pages: the trainees' queue, the organisers' triage, the live view for the Q&A
session, and the FAQ. Trainee-facing pages and JSON never name the asker of an anonymous
question.

Every triage action on a question, and every bulk action, has its own URL.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from courses.mixins import ManagedCourseMixin
from courses.models import Course
from courses.selectors import course_can_edit
from portal.views_base import ServiceActionView, ServiceFormView
from questions import selectors, services
from questions.forms import (
    FaqPublishForm,
    QuestionAssignForm,
    QuestionForm,
    TriageFilterForm,
)
from questions.models import Question
from questions.templatetags.questions_tags import PK_PLACEHOLDER

QUEUE_LIMIT = 300
TRIAGE_LIMIT = 500


def _trainee_course(request, pk) -> Course:
    try:
        return selectors.course_for_trainee(user=request.user, course_id=pk)
    except Course.DoesNotExist as exc:
        raise Http404 from exc


def _my_questions_url(course_id: int) -> str:
    return reverse("questions:question-list", args=[course_id]) + "#my-questions"


class QuestionListView(LoginRequiredMixin, View):
    """The trainees' queue: visible questions by votes or time, the ask form, my questions."""

    template_name = "questions/question_list.html"

    def get(self, request, pk):
        return render(request, self.template_name, question_list_context(request, pk))


def question_list_context(request, pk, form=None) -> dict:
    course = _trainee_course(request, pk)
    order = "time" if request.GET.get("order") == "time" else "votes"
    page = selectors.question_list_page(
        course=course, user=request.user, order=order, limit=QUEUE_LIMIT
    )
    if form is None and page["can_ask"]:
        form = QuestionForm(course=course)
    return {**page, "form": form}


class QuestionCreateView(LoginRequiredMixin, ServiceFormView):
    """The ask form of the queue: an invalid question shows the queue again with it."""

    template_name = "questions/question_list.html"
    form_class = QuestionForm
    http_method_names = ["post", "options"]
    invalid_message = gettext_lazy("Please correct the question below.")
    refused_as = "redirect"
    success_message = gettext_lazy("Your question has been sent. The organisers will review it.")

    @cached_property
    def course(self) -> Course:
        return _trainee_course(self.request, self.kwargs["pk"])

    def get_form_kwargs(self) -> dict:
        return {"course": self.course}

    def get_context_data(self, **kwargs) -> dict:
        return question_list_context(self.request, self.course.pk, form=kwargs["form"])

    def run_service(self, form):
        return services.question_ask(
            user=self.request.user, course=self.course, **form.cleaned_data
        )

    def get_success_url(self, result) -> str:
        if result is None:  # refused: back to the queue itself
            return reverse("questions:question-list", args=[self.course.pk])
        return _my_questions_url(self.course.pk)


class QuestionUpdateView(LoginRequiredMixin, ServiceFormView):
    template_name = "questions/question_update.html"
    form_class = QuestionForm
    refused_as = "message"
    success_message = gettext_lazy("Your question has been changed.")

    @cached_property
    def question(self) -> Question:
        try:
            return selectors.question_for_asker(
                user=self.request.user, question_id=self.kwargs["pk"]
            )
        except Question.DoesNotExist as exc:
            raise Http404 from exc

    def get_form_kwargs(self) -> dict:
        return {"course": self.question.course}

    def get_initial(self) -> dict:
        question = self.question
        return {
            "text": question.text,
            "session": question.session_id,
            "speaker": question.speaker_id,
            "anonymous": question.anonymous,
        }

    def get_context_data(self, **kwargs) -> dict:
        return {"question": self.question, **kwargs}

    def run_service(self, form):
        return services.question_edit(
            user=self.request.user, question=self.question, **form.cleaned_data
        )

    def get_success_url(self, result) -> str:
        return _my_questions_url(self.question.course_id)


class VoteCreateView(LoginRequiredMixin, ServiceActionView):
    """Support a question; `VoteDeleteView` takes the support back. Back to the question in
    the queue, in the order the trainee was reading it."""

    def run_service(self):
        return services.vote_add(user=self.request.user, question=self.question)

    @cached_property
    def question(self) -> Question:
        try:
            return selectors.question_for_voter(
                user=self.request.user, question_id=self.kwargs["pk"]
            )
        except Question.DoesNotExist as exc:
            raise Http404 from exc

    def get_success_url(self, result) -> str:
        order = "time" if self.request.POST.get("order") == "time" else "votes"
        return (
            reverse("questions:question-list", args=[self.question.course_id])
            + f"?order={order}#question-{self.question.pk}"
        )


class VoteDeleteView(VoteCreateView):
    def run_service(self):
        return services.vote_remove(user=self.request.user, question=self.question)


class QuestionTriageView(ManagedCourseMixin, View):
    template_name = "questions/question_triage.html"

    def get(self, request, pk):
        filter_form = TriageFilterForm(request.GET or None, course=self.course)
        page = selectors.question_triage_page(
            course=self.course, filters=filter_form.filters(), limit=TRIAGE_LIMIT
        )
        return render(
            request,
            self.template_name,
            {
                **page,
                **_triage_controls(request, page),
                "filter_form": filter_form,
                "back": "?" + request.GET.urlencode() if request.GET else "",
                "faq_form": FaqPublishForm(),
                "statuses": Question.Status,
            },
        )


# The actions offered on every question of the triage page, by URL name.
TRIAGE_ACTIONS = (
    "show",
    "unshow",
    "study",
    "reopen",
    "hide",
    "answer",
    "answer-on-the-spot",
    "assign",
    "merge",
)


def _triage_controls(request, page: dict) -> dict:
    """What every question's controls share, made once for the page: with hundreds of
    questions, rendering the session and speaker lists and reversing each action's URL per
    question was most of the page's time."""
    shared = {"sessions": page["sessions"], "speakers": page["speakers"]}
    # Django's get_FOO_display hashes every choice on each call; look each label up once.
    statuses = {value: str(label) for value, label in Question.Status.choices}
    phases = {value: str(label) for value, label in Question.Phase.choices}
    for question in page["questions"]:
        question.status_label = statuses.get(question.status, question.status)
        question.phase_label = phases.get(question.asked_phase, question.asked_phase)
    return {
        "csrf_input": csrf_input(request),
        "session_options": render_to_string(
            "questions/includes/triage_session_options.html", shared, request
        ),
        "speaker_options": render_to_string(
            "questions/includes/triage_speaker_options.html", shared, request
        ),
        "action_urls": {
            name.replace("-", "_"): reverse(f"questions:question-{name}", args=[PK_PLACEHOLDER])
            for name in TRIAGE_ACTIONS
        },
    }


class TriageActionView(LoginRequiredMixin, ServiceActionView):
    """One triage action on one question of a course the user organises; back to the question
    on the triage page, with the filters it was posted from (`back`)."""

    def post(self, request, *args, **kwargs):
        # Out of scope is 404, before anything else is read or said.
        try:
            self.question = selectors.question_for_organiser(
                user=request.user, question_id=kwargs["pk"]
            )
        except Question.DoesNotExist as exc:
            raise Http404 from exc
        return super().post(request, *args, **kwargs)

    def get_success_message(self, result) -> str:
        return _("Question %(n)d updated.") % {"n": self.question.pk}

    def get_success_url(self, result) -> str:
        back = self.request.POST.get("back", "")
        url = reverse("questions:question-triage", args=[self.question.course_id])
        if back.startswith("?"):
            url += back
        return f"{url}#question-{self.question.pk}"


class QuestionAnswerView(TriageActionView):
    """A written answer; with `status` on the spot, where the written answer is optional."""

    status = Question.Status.ANSWERED

    def run_service(self):
        return services.question_answer(
            user=self.request.user,
            question=self.question,
            answer=self.request.POST.get("answer", ""),
            status=self.status,
        )


class QuestionStatusView(TriageActionView):
    """Under further study, hidden, or open again: `status` comes from the URL."""

    status = ""

    def run_service(self):
        return services.question_set_status(
            user=self.request.user, question=self.question, status=self.status
        )


class QuestionShowView(TriageActionView):
    """Show the question to the trainees, or (`visible=False`) stop showing it."""

    visible = True

    def run_service(self):
        return services.question_set_visible(
            user=self.request.user,
            course=self.question.course,
            question_ids=[self.question.pk],
            visible=self.visible,
        )


class QuestionAssignView(TriageActionView):
    def run_service(self):
        form = QuestionAssignForm(self.request.POST, course=self.question.course)
        if not form.is_valid():
            raise ValidationError(_("Choose a session and speaker of this course."), code="invalid")
        return services.question_assign(
            user=self.request.user, question=self.question, **form.cleaned_data
        )


class QuestionMergeView(TriageActionView):
    """Merge this question, as a duplicate, into the question numbered `target`."""

    def run_service(self):
        try:
            target = selectors.question_for_organiser(
                user=self.request.user, question_id=int(self.request.POST.get("target") or 0)
            )
        except (Question.DoesNotExist, ValueError) as exc:
            raise ValidationError(
                _("Choose the question this one duplicates."), code="invalid_target"
            ) from exc
        return services.question_merge(
            user=self.request.user, duplicate=self.question, target=target
        )


class QuestionBulkView(ManagedCourseMixin, ServiceActionView):
    """One action on the questions ticked on the triage page; back to the triage page."""

    def question_ids(self) -> list[int]:
        ids = [int(v) for v in self.request.POST.getlist("questions") if v.isdigit()]
        if not ids:
            raise ValidationError(_("Select at least one question."), code="none_selected")
        return ids

    def get_success_message(self, result) -> str:
        return _("%(n)d questions updated.") % {"n": result}

    def get_success_url(self, result) -> str:
        return reverse("questions:question-triage", args=[self.course.pk])


class QuestionBulkShowView(QuestionBulkView):
    """Show the questions to the trainees, or (`visible=False`) stop showing them."""

    visible = True

    def run_service(self):
        return services.question_set_visible(
            user=self.request.user,
            course=self.course,
            question_ids=self.question_ids(),
            visible=self.visible,
        )


class QuestionBulkHideView(QuestionBulkView):
    def run_service(self):
        ids = self.question_ids()
        services.question_hide_many(user=self.request.user, course=self.course, question_ids=ids)
        return len(ids)


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


class FaqPublishView(ManagedCourseMixin, ServiceActionView):
    """Publish the FAQ, grouped as chosen; then show it. A refusal stays on the triage page."""

    success_message = gettext_lazy("The FAQ is published to the course's trainees.")

    def run_service(self):
        form = FaqPublishForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose how to group the FAQ."), code="invalid_grouping")
        return services.faq_publish(
            user=self.request.user, course=self.course, grouping=form.cleaned_data["grouping"]
        )

    def get_success_url(self, result) -> str:
        name = "questions:question-triage" if result is None else "questions:faq-detail"
        return reverse(name, args=[self.course.pk])


class FaqUnpublishView(ManagedCourseMixin, ServiceActionView):
    success_message = gettext_lazy("The FAQ is no longer published.")

    def run_service(self):
        return services.faq_unpublish(user=self.request.user, course=self.course)

    def get_success_url(self, result) -> str:
        return reverse("questions:question-triage", args=[self.course.pk])
