from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.forms import LanguageSwitchForm, ProfileUpdateForm
from accounts.services import profile_update, user_language_set
from portal.auth_types import signed_in
from portal.views_base import ServiceActionView, ServiceFormView


class ProfileUpdateView(LoginRequiredMixin, ServiceFormView):
    template_name = "accounts/profile_update.html"
    form_class = ProfileUpdateForm
    invalid_status = 400

    def get_initial(self) -> dict:
        return ProfileUpdateForm.initial_for(signed_in(self.request))

    def run_service(self, form):
        return profile_update(user=self.request.user, **form.profile_data())

    def get_success_message(self, user) -> str:
        return _("Your profile is saved.")

    def succeeded(self, user):
        # Said, and shown from now on, in the language just chosen.
        translation.activate(user.preferred_language)
        response = super().succeeded(user)
        _set_language_cookie(response, user.preferred_language)
        return response

    def get_success_url(self, result) -> str:
        return self.request.path


class LanguageSwitchView(ServiceActionView):
    """Switch the interface language; remembered in a cookie and, when signed in, the profile."""

    form_class = LanguageSwitchForm
    invalid_message = gettext_lazy("This language is not available.")

    def run_service(self):
        language = self.form.cleaned_data["language"]
        if self.request.user.is_authenticated:
            user_language_set(user=self.request.user, language=language)
        return language

    def succeeded(self, language):
        response = super().succeeded(language)
        _set_language_cookie(response, language)
        return response

    def get_success_url(self, result) -> str:
        next_url = self.request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return "/"
        return next_url


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    )
