"""Messages from the organisers to all registrants of a course, or a filtered subset."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Course
from courses.services.common import ensure_can_edit
from enrollment.models import Registration
from enrollment.selectors import RegistrationFilters, registration_list_for_course
from enrollment.services.notify import site_url
from notifications import outbox


def registrants_message(
    *,
    course: Course,
    by: User,
    subject: str,
    body: str,
    filters: RegistrationFilters,
) -> int:
    """Queue one e-mail per matching registrant (cancelled and rejected only if filtered so)."""
    ensure_can_edit(course, by)
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or not body:
        raise ValidationError(_("Write a subject and a message."), code="message_empty")
    registrations = registration_list_for_course(course, filters).select_related("trainee")
    if not filters.status:
        registrations = registrations.exclude(
            status__in=(Registration.Status.CANCELLED, Registration.Status.REJECTED)
        )
    message_id = uuid.uuid4().hex
    sent = 0
    with transaction.atomic():
        for registration in registrations.iterator(chunk_size=500):
            outbox.enqueue(
                key=f"course:{course.pk}:message:{message_id}:{registration.pk}",
                to=registration.trainee,
                template="enrollment/mail/message",
                context={
                    "course": course,
                    "registration": registration,
                    "subject": subject,
                    "body": body,
                    "sender": by,
                    "course_url": site_url(course.get_absolute_url()),
                },
            )
            sent += 1
    return sent
