"""`Authorization: Bearer tp_…`: a system signs in with an API token."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.models import ApiToken
from api.services import api_token_authenticate
from portal.observability import client_ip_var


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[object, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("The Authorization header must be: Bearer followed by the token.")
            )
        token = api_token_authenticate(secret=header[1], address=client_ip_var.get())
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This token is not valid: it is unknown, revoked or expired.")
            )
        user = token.owner
        # The caller's language: Accept-Language when the system sends one, else the owner's.
        if "HTTP_ACCEPT_LANGUAGE" not in request.META and user.preferred_language:
            translation.activate(user.preferred_language)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
