from django.contrib import admin

from privacy.models import DataDownload


@admin.register(DataDownload)
class DataDownloadAdmin(admin.ModelAdmin):
    """Read-only: who asked when, and how it went; the files are the person's alone."""

    list_display = ["user", "status", "created_at", "expires_at"]
    list_filter = ["status"]
    fields = ("user", "status", "error", "created_at", "finished_at", "expires_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
