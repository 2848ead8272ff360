from django.db.models import QuerySet

from accounts.types import AnyUser
from api.models import ApiToken


def api_token_list_for_user(user: AnyUser) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked ones too, so they can see what stopped)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(owner=user).select_related("organisation")
