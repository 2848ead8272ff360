from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log, for administrators: read only, nothing can be changed or deleted."""

    list_display = ["created_at", "actor_name", "action", "target_name", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_name", "target_name", "target_id", "request_id"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
