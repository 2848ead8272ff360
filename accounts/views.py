from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from accounts.forms import ProfileUpdateForm
from accounts.models import User
from accounts.services import profile_update, user_language_set


class ProfileUpdateView(LoginRequiredMixin, View):
    template_name = "accounts/profile_update.html"

    def get(self, request):
        form = ProfileUpdateForm(initial=ProfileUpdateForm.initial_for(request.user))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = ProfileUpdateForm(request.POST)
        if form.is_valid():
            try:
                profile_update(user=request.user, **form.profile_data())
            except ValidationError as exc:
                for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else []:
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
                if not hasattr(exc, "error_dict"):
                    form.add_error(None, exc.messages[0])
            else:
                translation.activate(request.user.preferred_language)
                messages.success(request, _("Your profile is saved."))
                response = HttpResponseRedirect(request.path)
                _set_language_cookie(response, request.user.preferred_language)
                return response
        return render(request, self.template_name, {"form": form}, status=400)


class LanguageSwitchView(View):
    """Switch the interface language; remembered in a cookie and, when signed in, the profile."""

    def post(self, request):
        language = request.POST.get("language", "")
        next_url = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = "/"
        response = HttpResponseRedirect(next_url)
        if language not in User.Language.values:
            messages.error(request, _("This language is not available."))
            return response
        if request.user.is_authenticated:
            try:
                user_language_set(user=request.user, language=language)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
                return response
        _set_language_cookie(response, language)
        return response


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    )
