from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Region, User
from accounts.services import user_deactivated, user_roles_changed


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "kind"]
    list_filter = ["kind"]
    search_fields = ["name_zh", "name_en", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "region"]
    list_filter = ["type", "region"]
    search_fields = ["name"]
    list_select_related = ["region"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Administrators manage roles here by adding people to the role groups."""

    ordering = ["full_name"]
    list_display = ["email", "full_name", "organisation", "phone", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff", "preferred_language"]
    list_select_related = ["organisation"]
    search_fields = ["email", "full_name", "phone", "organisation__name"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Personal details"),
            {"fields": ["full_name", "phone", "position", "organisation", "preferred_language"]},
        ),
        (
            _("Roles and permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]

    def save_model(self, request, obj, form, change):
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            user_deactivated(user=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.groups.values_list("name", flat=True))
        if before != after:
            user_roles_changed(user=form.instance, before=before, after=after, by=request.user)
