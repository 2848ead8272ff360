"""The personal data accounts holds, for "Download my data" (privacy.registry)."""

from axes.models import AccessLog
from django.db.models import Q

from accounts.models import User
from privacy.registry import register

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
)
# Sign-ins as django-axes records them (by the lower-cased address, see accounts.throttling).
register(
    "sign_ins",
    model=AccessLog,
    fields=("attempt_time", "logout_time", "ip_address", "user_agent"),
    owner=lambda user: Q(username=user.email.lower()),
)
