"""`Idempotency-Key` on the API's writes: a client that is unsure whether its request got
through sends it again with the same key, and gets the first answer instead of a second change.

The key is reserved (a row per user and key) before the view runs; the answer is stored when
it is a final one (anything but a server error or `busy`, which may be retried). The same key
with another method, path or body is refused (422); one still being answered, 409."""

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
MAX_LENGTH = 200


class KeyRefused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class KeyInUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_use"


class KeyInvalid(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


class Replay(Exception):
    """The first answer to this key, to be sent again."""

    def __init__(self, record: IdempotencyRecord) -> None:
        self.record = record


def _fingerprint(request: Request) -> str:
    data: Any = request.data
    canonical = json.dumps(
        [request.method, request.path, data], sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def reserve(request: Request) -> IdempotencyRecord | None:
    """The reserved row for this request's key (None without a key); raises Replay with the
    first answer, KeyRefused for another request under the same key, KeyInUse while the
    first one is still being answered."""
    key = request.headers.get(HEADER, "").strip()
    if not key or request.method in ("GET", "HEAD", "OPTIONS") or not request.user.is_authenticated:
        return None
    if len(key) > MAX_LENGTH:
        raise KeyInvalid(_("The Idempotency-Key is longer than 200 characters."))
    fingerprint = _fingerprint(request)
    IdempotencyRecord.objects.filter(
        user=request.user, key=key, created_at__lt=timezone.now() - KEEP
    ).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                user=request.user, key=key, fingerprint=fingerprint
            )
    except IntegrityError:
        pass
    first = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
    if first is None:
        raise KeyInUse(_("A request with this Idempotency-Key is being answered; retry."))
    if first.fingerprint != fingerprint:
        raise KeyRefused(_("This Idempotency-Key was used for a different request; use a new key."))
    if first.status_code is None:
        raise KeyInUse(_("A request with this Idempotency-Key is being answered; retry."))
    raise Replay(first)


def settle(record: IdempotencyRecord, response: Response) -> None:
    """Keep a final answer; free the key after one worth retrying (5xx, busy)."""
    if response.status_code >= 500:
        record.delete()
        return
    record.status_code = response.status_code
    record.response = response.data
    record.save(update_fields=["status_code", "response"])


def replayed(record: IdempotencyRecord) -> Response:
    assert record.status_code is not None
    response = Response(record.response, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotency_cleanup(*, now: datetime | None = None) -> int:
    """Forget the answers kept longer than a day (the beat task `api.idempotency_cleanup`)."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
