"""Rate limits of the API: per token and per address, counted in the cache (Redis), answered
with 429 and `Retry-After` (the seconds until a request is allowed again).

The rates are settings (`PORTAL_API_RATE_PER_TOKEN`, `PORTAL_API_RATE_PER_ADDRESS`, e.g.
"600/min"), read on each request; the address is the one the portal logs (behind the proxies
the sign-in throttle trusts)."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class _SettingRate(SimpleRateThrottle):
    setting = ""

    def __init__(self) -> None:
        # The rate is read when a request arrives, not when the class is made.
        pass

    def allow_request(self, request: Request, view) -> bool:
        self.rate = getattr(settings, self.setting, None)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class TokenRateThrottle(_SettingRate):
    """Requests per API token, whatever address they come from."""

    scope = "api-token"
    setting = "PORTAL_API_RATE_PER_TOKEN"

    def get_cache_key(self, request: Request, view) -> str | None:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class AddressRateThrottle(_SettingRate):
    """Requests per address, with or without a token."""

    scope = "api-address"
    setting = "PORTAL_API_RATE_PER_ADDRESS"

    def get_cache_key(self, request: Request, view) -> str | None:
        address = get_client_ip_address(request._request) or self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": address}
