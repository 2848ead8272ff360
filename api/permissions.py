"""Scopes: what a token may do. Signed-in sessions (the portal's own pages) hold every scope;
either way, the portal's selectors decide which objects the caller may reach."""

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from api.models import ApiToken, Scope


def caller_has_scope(request: Request, scope: str) -> bool:
    token = request.auth
    if isinstance(token, ApiToken):
        return token.has_scope(scope)
    return bool(request.user and request.user.is_authenticated)


def may_read_personal_data(request: Request) -> bool:
    return caller_has_scope(request, Scope.READ_PERSONAL_DATA)


class HasScope(BasePermission):
    """The view's `required_scope` must be held by the token (none: any signed-in caller)."""

    def has_permission(self, request: Request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        scope = getattr(view, "required_scope", None)
        return scope is None or caller_has_scope(request, scope)
