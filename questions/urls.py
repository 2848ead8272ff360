from django.urls import path

from questions import views

app_name = "questions"

urlpatterns = [
    path("course/<int:pk>/", views.QuestionListView.as_view(), name="question-list"),
    path("course/<int:pk>/ask/", views.QuestionCreateView.as_view(), name="question-create"),
    path("course/<int:pk>/triage/", views.QuestionTriageView.as_view(), name="question-triage"),
    path("course/<int:pk>/bulk/", views.QuestionBulkView.as_view(), name="question-bulk"),
    path("course/<int:pk>/live/", views.QuestionLiveView.as_view(), name="question-live"),
    path(
        "course/<int:pk>/live.json", views.QuestionLiveDataView.as_view(), name="question-live-data"
    ),
    path("course/<int:pk>/faq/", views.FaqDetailView.as_view(), name="faq-detail"),
    path("course/<int:pk>/faq/publish/", views.FaqPublishView.as_view(), name="faq-publish"),
    path("<int:pk>/edit/", views.QuestionUpdateView.as_view(), name="question-update"),
    path("<int:pk>/vote/", views.VoteView.as_view(), name="vote-create"),
    path("<int:pk>/triage/", views.QuestionActionView.as_view(), name="question-action"),
]
