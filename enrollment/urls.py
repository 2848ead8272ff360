from django.urls import path

from enrollment import views

app_name = "enrollment"

urlpatterns = [
    # Trainees
    path("mine/", views.RegistrationMineView.as_view(), name="registration-mine"),
    path(
        "course/<int:pk>/register/",
        views.RegistrationCreateView.as_view(),
        name="registration-create",
    ),
    path("<int:pk>/cancel/", views.RegistrationCancelView.as_view(), name="registration-cancel"),
    path(
        "calendar/regenerate/",
        views.CalendarFeedRegenerateView.as_view(),
        name="calendar-feed-regenerate",
    ),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar-feed"),
    # Organisers
    path(
        "course/<int:pk>/registrations/",
        views.RegistrationListView.as_view(),
        name="registration-list",
    ),
    path(
        "course/<int:pk>/registrations/approve/",
        views.RegistrationApproveView.as_view(),
        name="registration-approve",
    ),
    path(
        "course/<int:pk>/registrations/reject/",
        views.RegistrationRejectView.as_view(),
        name="registration-reject",
    ),
    path(
        "registrations/<int:registration_id>/waitlist/",
        views.RegistrationWaitlistView.as_view(),
        name="registration-waitlist",
    ),
    path(
        "course/<int:pk>/statistics/",
        views.CourseStatisticsView.as_view(),
        name="course-statistics",
    ),
]

urlpatterns += [
    path(
        "course/<int:pk>/nominating-units/",
        views.NominatingUnitListView.as_view(),
        name="nominatingunit-list",
    ),
    path(
        "course/<int:pk>/nominating-units/<int:unit_id>/remove/",
        views.NominatingUnitRemoveView.as_view(),
        name="nominatingunit-remove",
    ),
    path("course/<int:pk>/nominees/", views.NomineeCreateView.as_view(), name="nominee-create"),
    path(
        "course/<int:pk>/nominees/upload/",
        views.NomineeUploadView.as_view(),
        name="nominee-upload",
    ),
    path(
        "course/<int:pk>/nominees/template.xlsx",
        views.NomineeTemplateView.as_view(),
        name="nominee-template",
    ),
    path("imports/<uuid:job_id>/", views.ImportJobDetailView.as_view(), name="importjob-detail"),
    path(
        "imports/<uuid:job_id>/status/",
        views.ImportJobStatusView.as_view(),
        name="importjob-status",
    ),
    path(
        "imports/<uuid:job_id>/keep-profiles/",
        views.ImportJobKeepProfilesView.as_view(),
        name="importjob-keep-profiles",
    ),
    path("imports/<uuid:job_id>/stop/", views.ImportJobStopView.as_view(), name="importjob-stop"),
]

urlpatterns += [
    path(
        "course/<int:pk>/registrations/group/",
        views.RegistrationGroupAssignView.as_view(),
        name="registration-group-assign",
    ),
    path("course/<int:pk>/groups/balance/", views.GroupBalanceView.as_view(), name="group-balance"),
    path(
        "course/<int:pk>/message/", views.RegistrantMessageView.as_view(), name="registrant-message"
    ),
]
