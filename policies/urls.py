from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="document-list"),
    path("new/", views.DocumentCreateView.as_view(), name="document-create"),
    path("authorities/new/", views.AuthorityCreateView.as_view(), name="authority-create"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="document-detail"),
    path("<int:pk>/edit/", views.DocumentUpdateView.as_view(), name="document-update"),
    path("<int:pk>/publish/", views.DocumentPublishView.as_view(), name="document-publish"),
    path("<int:pk>/unpublish/", views.DocumentUnpublishView.as_view(), name="document-unpublish"),
    path(
        "<int:pk>/files/new/", views.DocumentFileCreateView.as_view(), name="document-file-create"
    ),
    path(
        "<int:pk>/files/<int:file_pk>/download/",
        views.DocumentFileDownloadView.as_view(),
        name="document-file-download",
    ),
    path(
        "<int:pk>/files/<int:file_pk>/delete/",
        views.DocumentFileDeleteView.as_view(),
        name="document-file-delete",
    ),
]
