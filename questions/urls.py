from django.urls import path

from questions import views
from questions.models import Question

app_name = "questions"

Status = Question.Status

urlpatterns = [
    path("course/<int:pk>/", views.QuestionListView.as_view(), name="question-list"),
    path("course/<int:pk>/ask/", views.QuestionCreateView.as_view(), name="question-create"),
    path("course/<int:pk>/triage/", views.QuestionTriageView.as_view(), name="question-triage"),
    path(
        "course/<int:pk>/bulk/show/",
        views.QuestionBulkShowView.as_view(),
        name="question-bulk-show",
    ),
    path(
        "course/<int:pk>/bulk/unshow/",
        views.QuestionBulkShowView.as_view(visible=False),
        name="question-bulk-unshow",
    ),
    path(
        "course/<int:pk>/bulk/hide/",
        views.QuestionBulkHideView.as_view(),
        name="question-bulk-hide",
    ),
    path("course/<int:pk>/live/", views.QuestionLiveView.as_view(), name="question-live"),
    path(
        "course/<int:pk>/live.json", views.QuestionLiveDataView.as_view(), name="question-live-data"
    ),
    path("course/<int:pk>/faq/", views.FaqDetailView.as_view(), name="faq-detail"),
    path("course/<int:pk>/faq/publish/", views.FaqPublishView.as_view(), name="faq-publish"),
    path("course/<int:pk>/faq/unpublish/", views.FaqUnpublishView.as_view(), name="faq-unpublish"),
    path("<int:pk>/edit/", views.QuestionUpdateView.as_view(), name="question-update"),
    path("<int:pk>/vote/", views.VoteCreateView.as_view(), name="vote-create"),
    path("<int:pk>/vote/remove/", views.VoteDeleteView.as_view(), name="vote-delete"),
    # Triage: one URL per action on one question.
    path("<int:pk>/answer/", views.QuestionAnswerView.as_view(), name="question-answer"),
    path(
        "<int:pk>/answer/on-the-spot/",
        views.QuestionAnswerView.as_view(status=Status.ON_THE_SPOT),
        name="question-answer-on-the-spot",
    ),
    path(
        "<int:pk>/study/",
        views.QuestionStatusView.as_view(status=Status.UNDER_STUDY),
        name="question-study",
    ),
    path(
        "<int:pk>/hide/",
        views.QuestionStatusView.as_view(status=Status.HIDDEN),
        name="question-hide",
    ),
    path(
        "<int:pk>/reopen/",
        views.QuestionStatusView.as_view(status=Status.OPEN),
        name="question-reopen",
    ),
    path("<int:pk>/show/", views.QuestionShowView.as_view(), name="question-show"),
    path(
        "<int:pk>/unshow/",
        views.QuestionShowView.as_view(visible=False),
        name="question-unshow",
    ),
    path("<int:pk>/assign/", views.QuestionAssignView.as_view(), name="question-assign"),
    path("<int:pk>/merge/", views.QuestionMergeView.as_view(), name="question-merge"),
]
