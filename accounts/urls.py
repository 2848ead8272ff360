from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.ProfileUpdateView.as_view(), name="profile-update"),
    path("language/", views.LanguageSwitchView.as_view(), name="language-switch"),
]
