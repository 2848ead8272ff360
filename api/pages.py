"""The profile's API-token pages: list, create (the secret shown once), revoke."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from api.forms import ApiTokenCreateForm
from api.selectors import api_token_list_for_user
from api.services import NewToken, api_token_create, api_token_revoke
from portal.auth_types import signed_in
from portal.views_base import ServiceActionView, ServiceFormView


class ApiTokenListView(LoginRequiredMixin, ServiceFormView):
    template_name = "api/apitoken_list.html"
    form_class = ApiTokenCreateForm
    invalid_status = 400
    error_fields = {"name_required": "name", "unknown_scope": "scopes", "expiry_past": "expires_on"}

    def get_context_data(self, **kwargs) -> dict:
        return {**kwargs, "tokens": api_token_list_for_user(self.request.user)}

    def run_service(self, form) -> NewToken:
        user = signed_in(self.request)
        return api_token_create(
            owner=user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.expires_at(),
            by=user,
        )

    def succeeded(self, result: NewToken) -> HttpResponse:
        # The secret is shown on this one answer and never again: no redirect, no cache.
        response = render(self.request, "api/apitoken_created.html", {"new": result})
        response["Cache-Control"] = "no-store"
        return response


class ApiTokenRevokeView(LoginRequiredMixin, ServiceActionView):
    def run_service(self):
        token = get_object_or_404(api_token_list_for_user(self.request.user), pk=self.kwargs["pk"])
        return api_token_revoke(token=token, by=signed_in(self.request))

    def get_success_message(self, token) -> str:
        return _("The token “%(name)s” is revoked.") % {"name": token.name}

    def get_success_url(self, result) -> str:
        return reverse("api-tokens:token-list")
