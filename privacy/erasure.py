"""Delete my account: the person asks (with their password), may cancel during the cooling-off
period, is reminded a day before, and then a beat task anonymises the account through every
app's registered `anonymise` (privacy.registry), in batches, idempotently, with an audit entry.
An administrator may hold a pending deletion with a reason; held ones are not executed."""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from notifications import outbox
from notifications.models import OutgoingMail
from privacy.models import AccountErasure, DataDownload
from privacy.registry import ERASED_NAME, sections

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
# Where the outbox's rows for a deleted account say they went.
ERASED_MAIL = "erased@erased.invalid"


class ErasureError(Exception):
    """A request that cannot be carried out; the message is for the person."""


def cooling_off_days() -> int:
    return int(settings.PORTAL_ERASURE_COOLING_OFF_DAYS)


def erasure_open_for_user(*, user: Any) -> AccountErasure | None:
    """The person's pending (or held) deletion, if any."""
    return AccountErasure.objects.filter(user=user, status__in=AccountErasure.OPEN).first()


def _mail(erasure: AccountErasure, kind: str) -> None:
    outbox.enqueue(
        key=f"privacy.erasure.{kind}.{erasure.pk}",
        to=erasure.user,
        template=f"privacy/mail/erasure_{kind}",
        context={"due_at": erasure.due_at, "days": cooling_off_days()},
    )


@transaction.atomic
def erasure_request(*, user: Any, password: str) -> AccountErasure:
    """Ask for the account to be deleted after the cooling-off period; the password confirms
    it is the person. A second request gives the one already pending."""
    if not user.check_password(password):
        raise ErasureError("password")
    existing = erasure_open_for_user(user=user)
    if existing is not None:
        return existing
    now = timezone.now()
    erasure = AccountErasure.objects.create(
        user=user, requested_at=now, due_at=now + timedelta(days=cooling_off_days())
    )
    _mail(erasure, "requested")
    audit_record(actor=user, action=AuditEvent.Action.ERASURE_REQUESTED, target=erasure)
    return erasure


@transaction.atomic
def erasure_cancel(*, user: Any) -> bool:
    """Cancel the person's pending (or held) deletion; False when there was none."""
    erasure = (
        AccountErasure.objects.select_for_update()
        .filter(user=user, status__in=AccountErasure.OPEN)
        .first()
    )
    if erasure is None:
        return False
    erasure.status = AccountErasure.Status.CANCELLED
    erasure.finished_at = timezone.now()
    erasure.save(update_fields=["status", "finished_at"])
    audit_record(actor=user, action=AuditEvent.Action.ERASURE_CANCELLED, target=erasure)
    return True


@transaction.atomic
def erasure_hold(*, erasure: AccountErasure, by: Any, reason: str) -> None:
    """Hold a pending deletion (e.g. an open dispute); it is not executed while held."""
    reason = reason.strip()
    if not reason:
        raise ErasureError("reason")
    updated = AccountErasure.objects.filter(pk=erasure.pk, status__in=AccountErasure.OPEN).update(
        status=AccountErasure.Status.HELD, held_reason=reason
    )
    if updated:
        details = {"reason": reason}
        audit_record(
            actor=by, action=AuditEvent.Action.ERASURE_HELD, target=erasure, details=details
        )


@transaction.atomic
def erasure_release(*, erasure: AccountErasure, by: Any) -> None:
    """Let a held deletion go ahead (at once if it is already due)."""
    updated = AccountErasure.objects.filter(
        pk=erasure.pk, status=AccountErasure.Status.HELD
    ).update(status=AccountErasure.Status.PENDING, held_reason="")
    if updated:
        audit_record(actor=by, action=AuditEvent.Action.ERASURE_RELEASED, target=erasure)


def erasure_remind() -> int:
    """Tell each person whose deletion is due within a day; each reminder is sent once."""
    soon = timezone.now() + timedelta(days=1)
    due: QuerySet[AccountErasure] = AccountErasure.objects.filter(
        status=AccountErasure.Status.PENDING, due_at__lte=soon, reminded_at__isnull=True
    ).select_related("user")
    count = 0
    for erasure in due:
        with transaction.atomic():
            _mail(erasure, "reminder")
            AccountErasure.objects.filter(pk=erasure.pk).update(reminded_at=timezone.now())
        count += 1
    return count


def _anonymise(erasure: AccountErasure) -> dict[str, int]:
    """Every app's part, then the person's own downloads (their files go too)."""
    user = erasure.user
    changed = {}
    for section in sections():
        if section.anonymise is not None:
            changed[section.key] = section.anonymise(user)
    changed["data_downloads"] = DataDownload.delete_with_files(
        DataDownload.objects.filter(user=user)
    )
    changed["mails"] = _forget_mails(user)
    # The audit log keeps what was done, not by whom by name.
    AuditEvent.objects.filter(actor_id=user.pk).update(actor_name=ERASED_NAME)
    return changed


def _forget_mails(user: Any) -> int:
    """The outbox keeps that a message was sent, not to whom or what it said; one still
    waiting is not sent any more."""
    Mail = OutgoingMail
    mails = Mail.objects.filter(recipient=user).exclude(status=Mail.Status.SENDING)
    mails.filter(status=Mail.Status.PENDING).update(
        status=Mail.Status.FAILED, last_error="account deleted"
    )
    return mails.update(to_email=ERASED_MAIL, body_text="", body_html="", attachments=[])


def _run_one() -> bool:
    """Anonymise one due account; False when none is left. A row is locked and skipped by
    other workers, and marked done in the same transaction, so it is never done twice."""
    with transaction.atomic():
        erasure = (
            AccountErasure.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(status=AccountErasure.Status.PENDING, due_at__lte=timezone.now())
            .order_by("due_at")
            .first()
        )
        if erasure is None:
            return False
        changed = _anonymise(erasure)
        erasure.status = AccountErasure.Status.DONE
        erasure.finished_at = timezone.now()
        erasure.save(update_fields=["status", "finished_at"])
        audit_record(
            actor=None, action=AuditEvent.Action.ERASURE_DONE, target=erasure, details=changed
        )
    return True


def erasure_run(*, batch_size: int = BATCH_SIZE) -> int:
    """Anonymise up to `batch_size` due accounts (the next run takes the rest)."""
    done = 0
    while done < batch_size and _run_one():
        done += 1
    if done:
        logger.info("anonymised %d accounts", done)
    return done
