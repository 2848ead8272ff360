from django.urls import path

from enrollment import views

app_name = "enrollment"

urlpatterns = [
    path("mine/", views.RegistrationMineView.as_view(), name="registration-mine"),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar-feed"),
]
