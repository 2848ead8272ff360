"""How a page refuses a visitor: one rule for the whole portal (docs/architecture.md,
"Refusals: 403 or 404").

- A page that needs sign-in sends anonymous visitors to the sign-in page first (302).
- A page about an object looks it up among the objects the visitor may see or act on
  (`ScopedObjectMixin`): an object out of that scope does not exist for them, 404, whatever
  their role, so an id reveals nothing.
- A page with no object that needs a role the visitor lacks (`RoleRequiredMixin`) says so: 403.

The apps say only what the role or the scope is; these two mixins decide the answer.
"""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


class RoleRequiredMixin(LoginRequiredMixin):
    """A page with no object, for visitors with a role (`has_role`); anyone else signed in
    gets 403 with `role_refusal`."""

    request: HttpRequest
    role_refusal: Any = ""

    def has_role(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_role(request.user):
            raise PermissionDenied(str(self.role_refusal))
        return super().dispatch(request, *args, **kwargs)


class ScopedObjectMixin(LoginRequiredMixin):
    """A page about an object: after sign-in, `look_up(**kwargs)` finds it among what the
    visitor may see (with `get_object_or_404` on a scoped queryset, or raising Http404) before
    anything else runs; the role is never asked, the scope already answers it."""

    request: HttpRequest

    def look_up(self, **kwargs) -> None:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.look_up(**kwargs)
        return super().dispatch(request, *args, **kwargs)
