from django.contrib import admin, messages
from django.utils.translation import gettext as _

from privacy.erasure import ErasureError, erasure_hold, erasure_release
from privacy.models import AccountErasure, DataDownload


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


@admin.register(AccountErasure)
class AccountErasureAdmin(admin.ModelAdmin):
    """Pending account deletions. Writing a reason holds one (it is not executed while held);
    emptying the reason lets it go ahead."""

    list_display = ["user", "status", "requested_at", "due_at", "held_reason"]
    list_filter = ["status"]
    search_fields = ["user__email", "user__full_name"]
    fields = (
        "user",
        "status",
        "requested_at",
        "due_at",
        "reminded_at",
        "finished_at",
        "held_reason",
    )
    readonly_fields = ("user", "status", "requested_at", "due_at", "reminded_at", "finished_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status in AccountErasure.OPEN)

    def save_model(self, request, obj, form, change):
        reason = obj.held_reason.strip()
        try:
            if reason:
                erasure_hold(erasure=obj, by=request.user, reason=reason)
            else:
                erasure_release(erasure=obj, by=request.user)
        except ErasureError:
            messages.error(request, _("Write the reason for holding this deletion."))
