from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("course/<int:pk>/", views.ResponseCreateView.as_view(), name="response-create"),
    path("course/<int:pk>/edit/", views.SurveyUpdateView.as_view(), name="survey-update"),
    path("course/<int:pk>/edit/copy/", views.SurveyCopyView.as_view(), name="survey-copy"),
    path(
        "course/<int:pk>/edit/template/",
        views.SurveyTemplateApplyView.as_view(),
        name="survey-template-apply",
    ),
    path(
        "course/<int:pk>/questions/add/",
        views.SurveyQuestionCreateView.as_view(),
        name="question-create",
    ),
    path(
        "course/<int:pk>/questions/delete/",
        views.SurveyQuestionDeleteView.as_view(),
        name="question-delete",
    ),
    path(
        "course/<int:pk>/questions/up/",
        views.SurveyQuestionMoveView.as_view(direction="up"),
        name="question-move-up",
    ),
    path(
        "course/<int:pk>/questions/down/",
        views.SurveyQuestionMoveView.as_view(direction="down"),
        name="question-move-down",
    ),
    path(
        "course/<int:pk>/questions/reorder/",
        views.SurveyQuestionsReorderView.as_view(),
        name="question-reorder",
    ),
    path(
        "course/<int:pk>/questions/<int:question_pk>/edit/",
        views.SurveyQuestionUpdateView.as_view(),
        name="question-update",
    ),
    path("course/<int:pk>/preview/", views.SurveyPreviewView.as_view(), name="survey-preview"),
    path("course/<int:pk>/results/", views.SurveyResultsView.as_view(), name="survey-results"),
]
