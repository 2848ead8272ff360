from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("course/<int:pk>/", views.ResponseCreateView.as_view(), name="response-create"),
    path("course/<int:pk>/edit/", views.SurveyUpdateView.as_view(), name="survey-update"),
    path(
        "course/<int:pk>/questions/<int:question_pk>/edit/",
        views.SurveyQuestionUpdateView.as_view(),
        name="question-update",
    ),
    path("course/<int:pk>/preview/", views.SurveyPreviewView.as_view(), name="survey-preview"),
    path("course/<int:pk>/results/", views.SurveyResultsView.as_view(), name="survey-results"),
]
