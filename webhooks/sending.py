"""One HTTP POST to a subscriber, safe against server-side request forgery.

The URL is checked when a subscription is saved and again before every call: http or https
only, no user name or password, and no private, loopback, link-local or otherwise internal
address unless `PORTAL_WEBHOOK_ALLOW_PRIVATE` is on. The host name is resolved once per call
and the connection goes to the address that was checked (so a name that changes its answer
between the check and the call cannot point the portal at an internal service); the Host
header and the TLS certificate check still use the name. Answers are read up to a cap and the
call gives up after a few seconds.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RESPONSE_CAP = 64 * 1024
EXCERPT = 2000


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


@dataclass(frozen=True)
class Answer:
    address: str
    status_code: int | None
    body: str
    error: str


def url_target(url: str) -> Target:
    """The parts of `url`, or ValidationError when it is not one the portal calls."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("Enter an http:// or https:// address."), code="url_scheme")
    if parts.username or parts.password:
        raise ValidationError(
            _("The address must not contain a user name or password."), code="url_credentials"
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValidationError(_("The address has an invalid port."), code="url_port") from None
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, parts.hostname, port, path)


def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def resolve(target: Target) -> str:
    """The address to connect to: the host name resolved once, every answer checked."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ValidationError(
            _("The host name %(host)s cannot be found."),
            code="url_dns",
            params={"host": target.host},
        ) from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not getattr(settings, "PORTAL_WEBHOOK_ALLOW_PRIVATE", False) and any(
        _internal(address) for address in addresses
    ):
        raise ValidationError(
            _(
                "The address %(host)s is private, loopback or link-local; the portal does not "
                "call such addresses."
            ),
            code="url_private",
            params={"host": target.host},
        )
    return str(addresses[0])


def url_check(url: str) -> None:
    """Refuse an address the portal would not call (when saved; `post` checks again)."""
    resolve(url_target(url))


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed address, with the host name for SNI and the certificate check."""

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url`; a refused address, a timeout or a broken connection is an
    Answer with `error` and no status code."""
    try:
        target = url_target(url)
        address = resolve(target)
    except ValidationError as exc:
        return Answer("", None, "", " ".join(exc.messages))
    timeout = float(getattr(settings, "PORTAL_WEBHOOK_TIMEOUT", 5.0))
    kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = kind(address, target.host, target.port, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(RESPONSE_CAP).decode("utf-8", "replace")
        return Answer(address, response.status, text[:EXCERPT], "")
    except (OSError, http.client.HTTPException) as exc:
        return Answer(address, None, "", f"{type(exc).__name__}: {exc}"[:EXCERPT])
    finally:
        connection.close()
