"""A registration's changes as webhook events (`webhooks.events`), written in
the transaction of the change."""

import uuid

from enrollment.models import Registration
from webhooks.events import Occurrence, webhook_emit
from webhooks.models import Event

# The e-mail events that make a registration: the others change one.
CREATED = {"confirmed", "pending", "waitlisted"}
# E-mail events that change nothing (a reminder).
UNCHANGED = {"reminder"}


def registration_occurrence(registration: Registration, event: str) -> Occurrence:
    if event in CREATED:
        kind, key = Event.REGISTRATION_CREATED, f"registration:{registration.pk}:created"
    else:
        kind = Event.REGISTRATION_CHANGED
        key = f"registration:{registration.pk}:{event}:{uuid.uuid4().hex}"
    return Occurrence(
        event=kind,
        resource="registration",
        resource_id=registration.pk,
        course_id=registration.course_id,
        key=key,
    )


def registration_events(registrations: list[tuple[Registration, str]]) -> None:
    webhook_emit(
        registration_occurrence(registration, event)
        for registration, event in registrations
        if event not in UNCHANGED
    )
