from django.urls import path

from api import pages

app_name = "api-tokens"

urlpatterns = [
    path("", pages.ApiTokenListView.as_view(), name="token-list"),
    path("<int:pk>/revoke/", pages.ApiTokenRevokeView.as_view(), name="token-revoke"),
]
