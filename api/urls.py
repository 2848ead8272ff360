from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import docs_views, views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_views.SwaggerView.as_view(url_name="api:schema"), name="swagger-ui"),
    path("redoc/", docs_views.RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/courses/", views.CourseListView.as_view(), name="course-list"),
    path("v1/courses/<int:pk>/", views.CourseDetailView.as_view(), name="course-detail"),
    path(
        "v1/courses/<int:pk>/attendance/",
        views.CourseAttendanceView.as_view(),
        name="course-attendance",
    ),
    path("v1/registrations/", views.RegistrationListView.as_view(), name="registration-list"),
    path(
        "v1/registrations/<int:pk>/",
        views.RegistrationDetailView.as_view(),
        name="registration-detail",
    ),
    path(
        "v1/registrations/<int:pk>/cancel/",
        views.RegistrationCancelView.as_view(),
        name="registration-cancel",
    ),
    path(
        "v1/registrations/<int:pk>/approve/",
        views.RegistrationApproveView.as_view(),
        name="registration-approve",
    ),
    path(
        "v1/registrations/<int:pk>/reject/",
        views.RegistrationRejectView.as_view(),
        name="registration-reject",
    ),
    path("v1/documents/", views.DocumentListView.as_view(), name="document-list"),
    path("v1/documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document-detail"),
    path(
        "v1/certificates/verify/<str:code>/",
        views.CertificateVerifyView.as_view(),
        name="certificate-verify",
    ),
]
