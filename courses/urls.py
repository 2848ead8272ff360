from django.urls import path

from courses import pack_views, views

app_name = "courses"

urlpatterns = [
    path("", views.CourseListView.as_view(), name="course-list"),
    path("<int:pk>/", views.CourseDetailView.as_view(), name="course-detail"),
    path("<int:pk>/calendar.ics", views.CourseCalendarView.as_view(), name="course-calendar"),
    path(
        "<int:pk>/timetable/print/", views.CourseTimetablePrintView.as_view(), name="course-print"
    ),
    path(
        "materials/<int:pk>/download/",
        views.MaterialDownloadView.as_view(),
        name="material-download",
    ),
    path(
        "<int:pk>/reading-pack/download/",
        pack_views.PackBundleRequestView.as_view(),
        name="pack-bundle-request",
    ),
    path(
        "reading-pack/bundles/<int:bundle_id>/",
        pack_views.PackBundleDetailView.as_view(),
        name="pack-bundle-detail",
    ),
    path(
        "reading-pack/bundles/<int:bundle_id>/status/",
        pack_views.PackBundleStatusView.as_view(),
        name="pack-bundle-status",
    ),
    path(
        "reading-pack/bundles/<int:bundle_id>/download/",
        pack_views.PackBundleDownloadView.as_view(),
        name="pack-bundle-download",
    ),
    # Organisers
    path("manage/", views.CourseDashboardView.as_view(), name="course-dashboard"),
    path("manage/new/", views.CourseCreateView.as_view(), name="course-create"),
    path("manage/<int:pk>/", views.CourseManageView.as_view(), name="course-manage"),
    path(
        "manage/<int:pk>/publish/",
        views.CourseActionView.as_view(action="publish"),
        name="course-publish",
    ),
    path(
        "manage/<int:pk>/archive/",
        views.CourseActionView.as_view(action="archive"),
        name="course-archive",
    ),
    path("manage/<int:pk>/delete/", views.CourseDeleteView.as_view(), name="course-delete"),
    path("manage/<int:pk>/clone/", views.CourseCloneView.as_view(), name="course-clone"),
    path("manage/<int:pk>/organisers/", views.OrganiserListView.as_view(), name="organiser-list"),
    path(
        "manage/<int:pk>/organisers/<int:user_id>/remove/",
        views.OrganiserRemoveView.as_view(),
        name="organiser-remove",
    ),
    path("manage/<int:pk>/sessions/", views.SessionListView.as_view(), name="session-list"),
    path(
        "manage/sessions/<int:session_id>/edit/",
        views.SessionUpdateView.as_view(),
        name="session-update",
    ),
    path(
        "manage/sessions/<int:session_id>/delete/",
        views.SessionDeleteView.as_view(),
        name="session-delete",
    ),
    path("manage/<int:pk>/groups/", views.GroupListView.as_view(), name="group-list"),
    path(
        "manage/groups/<int:group_id>/edit/", views.GroupUpdateView.as_view(), name="group-update"
    ),
    path(
        "manage/groups/<int:group_id>/delete/", views.GroupDeleteView.as_view(), name="group-delete"
    ),
    path("manage/<int:pk>/materials/", views.MaterialListView.as_view(), name="material-list"),
    path(
        "manage/materials/<int:material_id>/delete/",
        views.MaterialDeleteView.as_view(),
        name="material-delete",
    ),
    path("manage/<int:pk>/reading-pack/", pack_views.PackManageView.as_view(), name="pack-manage"),
    path(
        "manage/<int:pk>/reading-pack/items/add/",
        pack_views.PackItemAddView.as_view(),
        name="pack-item-add",
    ),
    path(
        "manage/reading-pack/sections/<int:section_id>/edit/",
        pack_views.PackSectionUpdateView.as_view(),
        name="pack-section-update",
    ),
    path(
        "manage/reading-pack/sections/<int:section_id>/move/",
        pack_views.PackSectionMoveView.as_view(),
        name="pack-section-move",
    ),
    path(
        "manage/reading-pack/sections/<int:section_id>/delete/",
        pack_views.PackSectionDeleteView.as_view(),
        name="pack-section-delete",
    ),
    path(
        "manage/reading-pack/items/<int:item_id>/edit/",
        pack_views.PackItemUpdateView.as_view(),
        name="pack-item-update",
    ),
    path(
        "manage/reading-pack/items/<int:item_id>/move/",
        pack_views.PackItemMoveView.as_view(),
        name="pack-item-move",
    ),
    path(
        "manage/reading-pack/items/<int:item_id>/remove/",
        pack_views.PackItemRemoveView.as_view(),
        name="pack-item-remove",
    ),
    path("manage/speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path("manage/speakers/new/", views.SpeakerCreateView.as_view(), name="speaker-create"),
    path(
        "manage/speakers/<int:speaker_id>/edit/",
        views.SpeakerUpdateView.as_view(),
        name="speaker-update",
    ),
    path(
        "manage/speakers/<int:speaker_id>/delete/",
        views.SpeakerDeleteView.as_view(),
        name="speaker-delete",
    ),
]
