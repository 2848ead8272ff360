"""Roles are Django groups (created by migration 0003); trainee is every verified user."""

from typing import TYPE_CHECKING, TypeGuard

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User


class Role(models.TextChoices):
    TRAINEE = "trainee", _("Trainee")
    ORGANISER = "organiser", _("Organiser")
    ADMINISTRATOR = "administrator", _("Administrator")
    CHECKIN_STAFF = "checkin_staff", _("Check-in staff (all courses)")


def user_roles(user) -> set[str]:
    """The set of Role values the user holds (empty for anonymous users)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(Role.ADMINISTRATOR)
        user._portal_roles = cached
    return cached


def user_has_role(user, role: Role | str) -> bool:
    return str(role) in user_roles(user)


# Holding either role means being signed in, so the caller may use `user` as a User.
def user_is_administrator(user) -> TypeGuard["User"]:
    return user_has_role(user, Role.ADMINISTRATOR)


def user_is_organiser(user) -> TypeGuard["User"]:
    return user_has_role(user, Role.ORGANISER) or user_is_administrator(user)
