"""The "your account will be deleted" banner on every page, without a query per page: the
due date sits in the session, written when the person asks, cleared when they cancel, and
looked up once when they sign in (on another device, say)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.dateparse import parse_datetime

from privacy.models import AccountErasure

SESSION_KEY = "privacy_erasure_due"


def remember(request: HttpRequest, erasure: AccountErasure | None) -> None:
    if erasure is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = erasure.due_at.isoformat()


@receiver(user_logged_in, dispatch_uid="privacy_erasure_banner")
def _on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        remember(
            request,
            AccountErasure.objects.filter(user=user, status__in=AccountErasure.OPEN).first(),
        )


def erasure_banner(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `erasure_due` (a datetime) while the person's deletion is pending."""
    session = getattr(request, "session", None)
    due = session.get(SESSION_KEY) if session is not None else None
    return {"erasure_due": parse_datetime(due) if due else None}
