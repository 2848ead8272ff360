from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.VerifyFormView.as_view(), name="verify-form"),
    path("verify/<str:code>/", views.VerifyView.as_view(), name="verify"),
    path("course/<int:pk>/mine/", views.CertificateMineView.as_view(), name="certificate-mine"),
    path("course/<int:pk>/", views.CertificateManageView.as_view(), name="certificate-manage"),
    path("course/<int:pk>/issue-all/", views.IssueAllView.as_view(), name="certificate-issue-all"),
    path(
        "course/<int:pk>/registration/<int:registration_id>/issue/",
        views.CertificateIssueView.as_view(),
        name="certificate-issue",
    ),
    path(
        "course/<int:pk>/certificate/<int:certificate_id>/revoke/",
        views.CertificateRevokeView.as_view(),
        name="certificate-revoke",
    ),
    path(
        "course/<int:pk>/certificate/<int:certificate_id>/pdf/",
        views.CertificateDownloadView.as_view(),
        name="certificate-download",
    ),
    path("course/<int:pk>/archive/", views.ArchiveRequestView.as_view(), name="archive-request"),
    path("archive/<int:archive_id>/", views.ArchiveDetailView.as_view(), name="archive-detail"),
    path(
        "archive/<int:archive_id>/status.json",
        views.ArchiveStatusView.as_view(),
        name="archive-status",
    ),
    path(
        "archive/<int:archive_id>/download/",
        views.ArchiveDownloadView.as_view(),
        name="archive-download",
    ),
]
