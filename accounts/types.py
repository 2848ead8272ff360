"""The person a read or a write is for, as views hand them over."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import User

# `request.user`: a signed-in user, or the anonymous visitor.
AnyUser = User | AnonymousUser


def signed_in_user(request: HttpRequest) -> User:
    """`request.user` in a view that only signed-in people reach (LoginRequiredMixin or a mixin
    built on it): the account itself, typed as such for the services it is handed to."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
