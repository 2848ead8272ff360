from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("", views.LearningRecordView.as_view(), name="record-mine"),
]
