"""The personal data accounts holds, for "Download my data" (privacy.registry)."""

import uuid
from typing import Any

from axes.models import AccessLog
from django.contrib.auth.hashers import make_password
from django.db.models import Q

from accounts.models import User
from privacy.registry import ERASED_NAME, register


def erased_email() -> str:
    """A unique address nobody can receive mail at, so the real one is free for a new sign-up."""
    return f"erased-{uuid.uuid4().hex}@erased.invalid"


def _anonymise_profile(user: Any) -> int:
    """Name, address, mobile and position replaced; no password, no roles, signed out for good."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user_id=user.pk).delete()
    user.groups.clear()
    user.user_permissions.clear()
    return User.objects.filter(pk=user.pk).update(
        email=erased_email(),
        full_name=ERASED_NAME,
        phone="",
        position="",
        password=make_password(None),
        is_active=False,
        is_staff=False,
        is_superuser=False,
    )


def _forget_sign_ins(user: Any) -> int:
    return AccessLog.objects.filter(username=user.email.lower()).delete()[0]


register(
    "profile",
    model=User,
    fields=(
        "email",
        "full_name",
        "phone",
        "position",
        "organisation__name",
        "preferred_language",
        "date_joined",
        "last_login",
    ),
    owner=lambda user: Q(pk=user.pk),
    anonymise=_anonymise_profile,
)
# Sign-ins as django-axes records them (by the lower-cased address, see accounts.throttling).
register(
    "sign_ins",
    model=AccessLog,
    fields=("attempt_time", "logout_time", "ip_address", "user_agent"),
    owner=lambda user: Q(username=user.email.lower()),
    anonymise=_forget_sign_ins,
)
