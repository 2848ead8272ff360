from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from courses import urls as course_urls
from enrollment import course_urls as course_editor_urls
from portal import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # The course editors that move seats are enrollment's views, under the courses namespace.
    path(
        "courses/", include((course_urls.urlpatterns + course_editor_urls.urlpatterns, "courses"))
    ),
    path("enrollment/", include("enrollment.urls")),
    path("attendance/", include("attendance.urls")),
    path("questions/", include("questions.urls")),
    path("feedback/", include("feedback.urls")),
    path("certificates/", include("certificates.urls")),
    path("learning/", include("learning.urls")),
    path("documents/", include("policies.urls")),
    path("exports/", include("exports.urls")),
    path("privacy/", include("privacy.urls")),
    path("accounts/tokens/", include("api.token_urls")),
    path("api/", include("api.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME

handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
