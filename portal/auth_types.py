"""The portal's user model as a type, for the modules below `accounts` that may not import it.

A leaf such as `exports` stores who asked (a foreign key to AUTH_USER_MODEL) and checks
their permissions, yet knows nothing of accounts. The type checker sees the user model
itself: django-stubs resolves its `_User` alias to AUTH_USER_MODEL.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as PortalUser
else:
    # At run time an annotation needs only a name: no model module is imported here, since
    # this module is read before the apps are loaded (exporters register when imported).
    PortalUser = object

__all__ = ["PortalUser", "signed_in"]


def signed_in(request: HttpRequest) -> PortalUser:
    """`request.user` in a view that only signed-in people reach (LoginRequiredMixin), typed as
    the account for the services it is handed to."""
    from django.contrib.auth.models import AnonymousUser

    user = request.user
    if isinstance(user, AnonymousUser):
        raise PermissionDenied
    return user
