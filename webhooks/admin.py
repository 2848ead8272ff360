from django.contrib import admin

from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "url", "status", "failing_since", "created_at")
    list_filter = ("status",)
    search_fields = ("name", "url", "owner__email")
    exclude = ("secret",)
    raw_id_fields = ("owner",)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("at", "address", "status_code", "error", "response_excerpt")
    fields = readonly_fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "event_type",
        "resource",
        "resource_id",
        "subscription",
        "status",
        "attempts",
        "created_at",
    )
    list_filter = ("status", "event_type")
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]
    inlines = [WebhookAttemptInline]
