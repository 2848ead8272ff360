from django.contrib import admin

from enrollment.models import ImportJob, NominatingUnit, Registration


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Read-mostly: seats change only through the services, which lock the course."""

    list_display = ["full_name", "course", "status", "region", "organisation_name", "created_at"]
    list_filter = ["status", "source", "region"]
    search_fields = ["full_name", "organisation_name", "phone", "trainee__email"]
    list_select_related = ["course", "region"]
    raw_id_fields = ["course", "trainee", "registered_by", "decided_by", "nominating_unit"]
    readonly_fields = [field.name for field in Registration._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(NominatingUnit)
class NominatingUnitAdmin(admin.ModelAdmin):
    list_display = ["organisation", "course", "contact", "seat_allowance"]
    raw_id_fields = ["course", "organisation", "contact"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "course", "status", "progress_total", "created_at"]
    readonly_fields = [field.name for field in ImportJob._meta.fields]
