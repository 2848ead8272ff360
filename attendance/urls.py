from django.urls import path

from attendance import views

app_name = "attendance"

urlpatterns = [
    path("", views.CourseListView.as_view(), name="course-list"),
    path("course/<int:pk>/", views.SessionListView.as_view(), name="session-list"),
    path(
        "course/<int:pk>/settings/",
        views.AttendanceSettingsUpdateView.as_view(),
        name="settings-update",
    ),
    path("course/<int:pk>/corrections/", views.ChangeListView.as_view(), name="change-list"),
    path("course/<int:pk>/mine/", views.AttendanceMineView.as_view(), name="attendance-mine"),
    path("session/<int:pk>/", views.SessionRosterView.as_view(), name="session-roster"),
    path("session/<int:pk>/mark/", views.AttendanceMarkView.as_view(), name="attendance-mark"),
    path(
        "session/<int:pk>/mark-all/",
        views.AttendanceMarkAllView.as_view(),
        name="attendance-mark-all",
    ),
    path("session/<int:pk>/marks.json", views.SessionMarksView.as_view(), name="session-marks"),
    path(
        "session/<int:pk>/import/", views.AttendanceImportView.as_view(), name="attendance-import"
    ),
    path("session/<int:pk>/qr/", views.SessionQrView.as_view(), name="session-qr"),
    path("session/<int:pk>/qr.json", views.SessionQrCodeView.as_view(), name="session-qr-code"),
    path("checkin/<str:token>/", views.CheckinView.as_view(), name="checkin"),
]
