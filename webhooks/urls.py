from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.WebhookListView.as_view(), name="subscription-list"),
    path("<int:pk>/", views.WebhookDetailView.as_view(), name="subscription-detail"),
    path("<int:pk>/pause/", views.WebhookPauseView.as_view(), name="subscription-pause"),
    path("<int:pk>/resume/", views.WebhookResumeView.as_view(), name="subscription-resume"),
    path("<int:pk>/delete/", views.WebhookDeleteView.as_view(), name="subscription-delete"),
    path(
        "<int:pk>/deliveries/<int:delivery>/send-again/",
        views.WebhookSendAgainView.as_view(),
        name="delivery-send-again",
    ),
]
