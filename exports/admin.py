from django.contrib import admin
from django.http import HttpRequest

from exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "title",
        "requested_by",
        "status",
        "progress_done",
        "progress_total",
        "download_count",
    ]
    list_filter = ["status", "exporter"]
    search_fields = ["title", "requested_by__email", "requested_by__full_name"]
    list_select_related = ["requested_by"]
    readonly_fields = [field.name for field in ExportJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
