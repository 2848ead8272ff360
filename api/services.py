"""Creating, using and revoking API tokens."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from api.models import ApiToken, Scope
from audit.models import AuditEvent
from audit.services import audit_record

TOKEN_PREFIX = "tp_"
# The last-used time and address are written at most once a minute per token: a busy
# integration must not turn every read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def api_token_create(
    *,
    owner: User,
    name: str,
    scopes: list[str],
    by: User,
    expires_at: datetime.datetime | None = None,
    organisation: Organisation | None = None,
) -> NewToken:
    """A new token for `owner`; the secret is returned once and only its hash is kept."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Please give the token a name."), code="name_required")
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValidationError(_("Unknown scope."), code="unknown_scope")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The expiry must be in the future."), code="expiry_past")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name[:100],
            owner=owner,
            organisation=organisation,
            scopes=sorted(set(scopes)),
            prefix=secret[:10],
            secret_hash=token_hash(secret),
            created_by=by,
            expires_at=expires_at,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.API_TOKEN_CREATED,
            target=token,
            details={"token": token.name, "owner": owner.email, "scopes": token.scopes},
        )
    return NewToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke the token from now on; revoking twice changes nothing."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        token.refresh_from_db()
        if updated:
            audit_record(
                actor=by,
                action=AuditEvent.Action.API_TOKEN_REVOKED,
                target=token,
                details={"token": token.name},
            )
    return token


def api_token_authenticate(*, secret: str, address: str | None) -> ApiToken | None:
    """The active token with this secret (its owner active), noting when and where it was used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("owner")
        .filter(secret_hash=token_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.is_active or not token.owner.is_active:
        return None
    now = timezone.now()
    stale = token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION
    if stale or token.last_used_ip != address:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=address)
        token.last_used_at, token.last_used_ip = now, address
    return token


def api_write_audit(
    *, token: ApiToken, method: str, path: str, status: int, target_name: str = ""
) -> None:
    """Each change made with a token leaves an audit event naming the token."""
    audit_record(
        actor=token.owner,
        action=AuditEvent.Action.API_WRITE,
        target=token,
        details={
            "token": token.name,
            "method": method,
            "path": path,
            "status": status,
            "object": target_name,
        },
    )
