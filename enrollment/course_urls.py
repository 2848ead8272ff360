"""Course editor pages served by enrollment (`enrollment.views.courses`) under the courses
namespace and paths; portal.urls includes them with courses.urls."""

from django.urls import path

from enrollment.views import courses

urlpatterns = [
    path("manage/<int:pk>/edit/", courses.CourseUpdateView.as_view(), name="course-update"),
    path("manage/<int:pk>/cancel/", courses.CourseCancelView.as_view(), name="course-cancel"),
    path("manage/<int:pk>/quotas/", courses.QuotaUpdateView.as_view(), name="quota-update"),
]
