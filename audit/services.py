"""`audit_record(...)`: write one audit event, in the caller's transaction."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from audit.models import AuditEvent
from portal.observability import client_ip_var, request_id_var


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditEvent.Action | str,
    target: Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` to `target` (a model instance, or None).

    Called inside the service's transaction, so a rolled-back change leaves no event.
    """
    actor = actor if getattr(actor, "is_authenticated", False) else None
    request_id = request_id_var.get()
    return AuditEvent.objects.create(
        # By id: audit sits below accounts, so it names no user model.
        actor_id=actor.pk if actor is not None else None,
        actor_name=(getattr(actor, "email", "") or "")[:254],
        action=str(action),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_name=str(target)[:300] if target is not None else "",
        details=details or {},
        ip_address=client_ip_var.get(),
        request_id="" if request_id == "-" else request_id,
    )
