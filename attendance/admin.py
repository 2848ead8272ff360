from django.contrib import admin

from attendance.models import Attendance, AttendanceChange, AttendanceSettings


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["registration", "session", "status", "method", "marked_at"]
    list_filter = ["status", "method"]
    raw_id_fields = ["registration", "session", "marked_by"]
    search_fields = ["registration__full_name", "session__title"]


@admin.register(AttendanceSettings)
class AttendanceSettingsAdmin(admin.ModelAdmin):
    list_display = ["course", "auto_absent", "late_after_minutes"]
    raw_id_fields = ["course"]


@admin.register(AttendanceChange)
class AttendanceChangeAdmin(admin.ModelAdmin):
    """The history of corrections is read, never edited."""

    list_display = [
        "registration",
        "session",
        "old_status",
        "new_status",
        "changed_by",
        "changed_at",
    ]
    list_filter = ["method"]
    raw_id_fields = ["registration", "session", "changed_by"]
    search_fields = ["registration__full_name", "session__title", "reason"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
