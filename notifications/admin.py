from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import OutgoingMail
from notifications.services import mail_resend


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """The delivery log: what was sent to whom, and what failed and why."""

    list_display = ["created_at", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "language"]
    search_fields = ["to_email", "subject", "key"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [field.name for field in OutgoingMail._meta.fields]
    list_select_related = ["recipient"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutgoingMail | None = None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed e-mails again"))
    def resend(self, request: HttpRequest, queryset: QuerySet[OutgoingMail]) -> None:
        failed = list(
            queryset.filter(status=OutgoingMail.Status.FAILED).values_list("pk", flat=True)
        )
        for mail_id in failed:
            mail_resend(mail_id=mail_id)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued again.", "%(count)d e-mails queued again.", len(failed)
            )
            % {"count": len(failed)},
            messages.SUCCESS,
        )
