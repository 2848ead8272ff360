"""Administrators make tokens for any user or organisation and revoke any token."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from api.models import ApiToken, Scope
from api.services import api_token_create, api_token_revoke


class ApiTokenAdminForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["name", "owner", "organisation", "scopes", "expires_at"]

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError(_("The expiry must be in the future."), code="expiry_past")
        return expires_at


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenAdminForm
    list_display = [
        "name",
        "prefix",
        "owner",
        "organisation",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "owner__email", "organisation__name"]
    autocomplete_fields = ["owner", "organisation"]
    actions = ["revoke"]
    readonly_after_creation = [
        "name",
        "owner",
        "organisation",
        "scopes",
        "expires_at",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "last_used_ip",
        "revoked_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_after_creation if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_after_creation if obj is not None else ApiTokenAdminForm.Meta.fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        new = api_token_create(
            owner=obj.owner,
            name=obj.name,
            scopes=list(form.cleaned_data["scopes"]),
            expires_at=obj.expires_at,
            organisation=obj.organisation,
            by=request.user,
        )
        obj.pk = new.token.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            _("Copy the token now; it is shown only this once: %(secret)s")
            % {"secret": new.secret},
        )

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, by=request.user)
