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
        "course/<int:pk>/registrations/decide/",
        views.RegistrationDecideView.as_view(),
        name="registration-decide",
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
