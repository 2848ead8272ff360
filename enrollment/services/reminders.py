"""Reminders 3 days and 1 day before a course; the outbox key sends each one once."""

import datetime

from django.db import transaction
from django.utils import timezone

from courses.models import Course
from enrollment.models import Registration
from enrollment.services.notify import registration_notify

# Days before the first day -> the reminder sent within that many days.
REMINDER_DAYS = (3, 1)


def registration_remind(*, now: datetime.datetime | None = None) -> int:
    """Queue due reminders for confirmed trainees; safe to run every hour."""
    now = now or timezone.now()
    horizon = (now + datetime.timedelta(days=max(REMINDER_DAYS) + 1)).date()
    registrations = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            course__status=Course.Status.PUBLISHED,
            course__starts_on__lte=horizon,
            course__starts_on__gte=(now - datetime.timedelta(days=1)).date(),
        )
        .select_related("course", "trainee")
        .order_by("pk")
    )
    queued = 0
    for registration in registrations.iterator(chunk_size=500):
        course = registration.course
        assert course.starts_on is not None  # the query asks for courses starting soon
        days_left = (course.starts_on - timezone.localtime(now, course.tz).date()).days
        if days_left < 1:
            continue
        # The closest reminder that is due: 1 day before wins over 3 days before.
        due = min((days for days in REMINDER_DAYS if days_left <= days), default=None)
        if due is None:
            continue
        with transaction.atomic():
            before = registration_already_reminded(registration, due)
            registration_notify(registration, "reminder", key_suffix=f":{due}", days_left=days_left)
        queued += 0 if before else 1
    return queued


def registration_already_reminded(registration: Registration, days: int) -> bool:
    from notifications.models import OutgoingMail

    return OutgoingMail.objects.filter(
        key=f"registration:{registration.pk}:reminder:{days}"
    ).exists()
