from django.contrib import admin

from attendance.models import Attendance, AttendanceSettings


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
