"""A course's changes as webhook events (`webhooks.events`), written in the transaction of
the change."""

import uuid

from webhooks.events import Occurrence, webhook_emit
from webhooks.models import Event


def course_event(course_id: int, event: Event) -> None:
    """`event` about course `course_id`; a course is published once, every other event is new."""
    key = f"course:{course_id}:{event}"
    if event != Event.COURSE_PUBLISHED:
        key = f"{key}:{uuid.uuid4().hex}"
    webhook_emit(
        [
            Occurrence(
                event=event, resource="course", resource_id=course_id, course_id=course_id, key=key
            )
        ]
    )
