from django.urls import path

from courses.views import (
    calendar,
    catalogue,
    groups,
    manage,
    materials,
    reading_pack,
    reading_pack_bundle,
    speakers,
    timetable,
)

app_name = "courses"

urlpatterns = [
    path("", catalogue.CourseListView.as_view(), name="course-list"),
    path("<int:pk>/", catalogue.CourseDetailView.as_view(), name="course-detail"),
    path("<int:pk>/calendar.ics", calendar.CourseCalendarView.as_view(), name="course-calendar"),
    path(
        "<int:pk>/timetable/print/",
        catalogue.CourseTimetablePrintView.as_view(),
        name="course-print",
    ),
    path(
        "materials/<int:pk>/download/",
        materials.MaterialDownloadView.as_view(),
        name="material-download",
    ),
    path(
        "<int:pk>/reading-pack/download/",
        reading_pack_bundle.PackBundleRequestView.as_view(),
        name="pack-bundle-request",
    ),
    path(
        "reading-pack/bundles/<int:bundle_id>/",
        reading_pack_bundle.PackBundleDetailView.as_view(),
        name="pack-bundle-detail",
    ),
    path(
        "reading-pack/bundles/<int:bundle_id>/status/",
        reading_pack_bundle.PackBundleStatusView.as_view(),
        name="pack-bundle-status",
    ),
    path(
        "reading-pack/bundles/<int:bundle_id>/download/",
        reading_pack_bundle.PackBundleDownloadView.as_view(),
        name="pack-bundle-download",
    ),
    # Organisers
    path("manage/", manage.CourseDashboardView.as_view(), name="course-dashboard"),
    path("manage/new/", manage.CourseCreateView.as_view(), name="course-create"),
    path("manage/<int:pk>/", manage.CourseManageView.as_view(), name="course-manage"),
    path(
        "manage/<int:pk>/publish/",
        manage.CoursePublishView.as_view(),
        name="course-publish",
    ),
    path(
        "manage/<int:pk>/archive/",
        manage.CourseArchiveView.as_view(),
        name="course-archive",
    ),
    path("manage/<int:pk>/delete/", manage.CourseDeleteView.as_view(), name="course-delete"),
    path("manage/<int:pk>/history/", manage.CourseHistoryView.as_view(), name="course-history"),
    path("manage/<int:pk>/clone/", manage.CourseCloneView.as_view(), name="course-clone"),
    path("manage/<int:pk>/organisers/", manage.OrganiserListView.as_view(), name="organiser-list"),
    path(
        "manage/<int:pk>/organisers/<int:user_id>/remove/",
        manage.OrganiserRemoveView.as_view(),
        name="organiser-remove",
    ),
    path(
        "manage/<int:pk>/checkin-staff/",
        manage.CheckinStaffListView.as_view(),
        name="checkinstaff-list",
    ),
    path(
        "manage/<int:pk>/checkin-staff/<int:user_id>/remove/",
        manage.CheckinStaffRemoveView.as_view(),
        name="checkinstaff-remove",
    ),
    path("manage/<int:pk>/sessions/", timetable.SessionListView.as_view(), name="session-list"),
    path(
        "manage/<int:pk>/hours/", timetable.HoursRuleUpdateView.as_view(), name="hours-rule-update"
    ),
    path(
        "manage/sessions/<int:session_id>/edit/",
        timetable.SessionUpdateView.as_view(),
        name="session-update",
    ),
    path(
        "manage/sessions/<int:session_id>/delete/",
        timetable.SessionDeleteView.as_view(),
        name="session-delete",
    ),
    path("manage/<int:pk>/groups/", groups.GroupListView.as_view(), name="group-list"),
    path(
        "manage/groups/<int:group_id>/edit/", groups.GroupUpdateView.as_view(), name="group-update"
    ),
    path(
        "manage/groups/<int:group_id>/delete/",
        groups.GroupDeleteView.as_view(),
        name="group-delete",
    ),
    path("manage/<int:pk>/materials/", materials.MaterialListView.as_view(), name="material-list"),
    path(
        "manage/materials/<int:material_id>/delete/",
        materials.MaterialDeleteView.as_view(),
        name="material-delete",
    ),
    path(
        "manage/<int:pk>/reading-pack/", reading_pack.PackManageView.as_view(), name="pack-manage"
    ),
    path(
        "manage/<int:pk>/reading-pack/items/add/",
        reading_pack.PackItemAddView.as_view(),
        name="pack-item-add",
    ),
    path(
        "manage/reading-pack/sections/<int:section_id>/edit/",
        reading_pack.PackSectionUpdateView.as_view(),
        name="pack-section-update",
    ),
    path(
        "manage/reading-pack/sections/<int:section_id>/move/",
        reading_pack.PackSectionMoveView.as_view(),
        name="pack-section-move",
    ),
    path(
        "manage/reading-pack/sections/<int:section_id>/delete/",
        reading_pack.PackSectionDeleteView.as_view(),
        name="pack-section-delete",
    ),
    path(
        "manage/reading-pack/items/<int:item_id>/edit/",
        reading_pack.PackItemUpdateView.as_view(),
        name="pack-item-update",
    ),
    path(
        "manage/reading-pack/items/<int:item_id>/move/",
        reading_pack.PackItemMoveView.as_view(),
        name="pack-item-move",
    ),
    path(
        "manage/reading-pack/items/<int:item_id>/remove/",
        reading_pack.PackItemRemoveView.as_view(),
        name="pack-item-remove",
    ),
    path("manage/speakers/", speakers.SpeakerListView.as_view(), name="speaker-list"),
    path("manage/speakers/new/", speakers.SpeakerCreateView.as_view(), name="speaker-create"),
    path(
        "manage/speakers/<int:speaker_id>/edit/",
        speakers.SpeakerUpdateView.as_view(),
        name="speaker-update",
    ),
    path(
        "manage/speakers/<int:speaker_id>/delete/",
        speakers.SpeakerDeleteView.as_view(),
        name="speaker-delete",
    ),
]
