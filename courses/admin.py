from django.contrib import admin

from courses.models import (
    Course,
    DiscussionGroup,
    Material,
    Quota,
    ReadingPackBundle,
    Session,
    Speaker,
)


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0


class DiscussionGroupInline(admin.TabularInline):
    model = DiscussionGroup
    extra = 0


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["kind", "title", "starts_at", "ends_at", "room", "discussion_group", "order"]
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "starts_on", "ends_on", "city", "capacity"]
    list_filter = ["status", "category", "region"]
    search_fields = ["title", "summary"]
    date_hierarchy = "starts_on"
    filter_horizontal = ["organisers", "host_organisations"]
    readonly_fields = ["published_at", "cancelled_at", "created_by", "created_at", "updated_at"]
    inlines = [QuotaInline, DiscussionGroupInline, SessionInline]
    list_select_related = ["region"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "kind", "starts_at", "ends_at", "room"]
    list_filter = ["kind"]
    search_fields = ["title", "course__title"]
    filter_horizontal = ["speakers"]
    list_select_related = ["course"]
    raw_id_fields = ["course", "discussion_group"]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "organisation"]
    search_fields = ["name", "organisation"]


@admin.register(DiscussionGroup)
class DiscussionGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "course", "facilitator", "room"]
    search_fields = ["name", "course__title"]
    list_select_related = ["course"]
    raw_id_fields = ["course"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "original_name", "visibility", "size", "uploaded_at"]
    list_filter = ["visibility"]
    search_fields = ["title", "original_name", "course__title"]
    list_select_related = ["course"]
    raw_id_fields = ["course", "session", "uploaded_by"]
    # Files come in through the checked upload page only; here they can be relabelled.
    readonly_fields = ["file", "original_name", "size", "content_type", "sha256", "uploaded_by"]

    def has_add_permission(self, request):
        return False


@admin.register(ReadingPackBundle)
class ReadingPackBundleAdmin(admin.ModelAdmin):
    """Read-only: bundles are built by the worker and keyed by their contents."""

    list_display = [
        "course",
        "status",
        "progress_done",
        "progress_total",
        "size",
        "last_requested_at",
    ]
    list_filter = ["status"]
    search_fields = ["course__title", "content_hash"]
    list_select_related = ["course"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
