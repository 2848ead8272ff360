from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.DataDownloadView.as_view(), name="data-download"),
    path(
        "my-data/<uuid:pk>/status/",
        views.DataDownloadStatusView.as_view(),
        name="data-download-status",
    ),
    path(
        "my-data/<uuid:pk>/download/",
        views.DataDownloadFileView.as_view(),
        name="data-download-file",
    ),
    path("delete-account/", views.AccountErasureView.as_view(), name="erasure"),
    path("delete-account/cancel/", views.AccountErasureCancelView.as_view(), name="erasure-cancel"),
]
