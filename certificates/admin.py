from django.contrib import admin

from certificates.models import Certificate, CertificateArchive, CertificateRule


@admin.register(CertificateRule)
class CertificateRuleAdmin(admin.ModelAdmin):
    list_display = [
        "course",
        "auto_issue",
        "min_attendance_percent",
        "count_excused",
        "require_feedback",
    ]
    list_select_related = ["course"]
    autocomplete_fields = ["course"]
    raw_id_fields = ["required_sessions"]
    search_fields = ["course__title"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates are issued and revoked on the course's certificates page, where
    every manual change is audited."""

    list_display = ["trainee_name", "course", "status", "issued_at", "code"]
    list_filter = ["status"]
    list_select_related = ["course"]
    search_fields = ["trainee_name", "code", "course__title"]
    date_hierarchy = "issued_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CertificateArchive)
class CertificateArchiveAdmin(admin.ModelAdmin):
    list_display = [
        "course",
        "requested_by",
        "status",
        "progress_done",
        "progress_total",
        "created_at",
    ]
    list_select_related = ["course", "requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
