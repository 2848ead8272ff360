"""Course changes that move seats or concern registered trainees: capacity, quotas, dates and
venue, cancellation.

They are course fields, but they decide who keeps a seat and who must be told, so enrollment
runs them: lock the course row, read the seats held, let the courses service change the
course, then move the waiting list up and queue the messages, in one transaction.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from courses.history import capacity_change_record, history_record, quota_changes_record
from courses.models import Course, Quota
from courses.quotas import QuotaKey
from courses.services import course_cancel_locked, course_update_locked, quota_set_locked
from courses.services.common import ensure_can_edit
from courses.services.webhook_events import course_event
from enrollment.models import ACTIVE_STATUSES, Registration
from enrollment.selectors import registered_users
from enrollment.services.common import lock_course, seat_state
from enrollment.services.notify import course_changed_notify
from enrollment.services.waitlist import waitlist_promote
from notifications import outbox
from webhooks.models import Event

# Changes registered trainees are told about.
NOTIFIED_FIELDS = ("starts_on", "ends_on", "venue", "city", "time_zone")


@transaction.atomic
def course_update(*, course: Course, by: User, data: Mapping[str, Any]) -> Course:
    """Change a course; capacity never drops below the seats held, a raised one lets the
    waiting list move up, and trainees hear of new dates or venue.

    Raises CourseBusy when the course stays locked by someone else past the lock timeout."""
    ensure_can_edit(course, by)
    course = lock_course(course.pk)
    before = {field: getattr(course, field) for field in NOTIFIED_FIELDS}
    capacity = course.capacity
    course = course_update_locked(course=course, data=data, seats_held=seat_state(course).held)
    capacity_change_record(course=course, by=by, old=capacity, new=course.capacity)
    waitlist_promote(course=course)
    changed = [field for field in NOTIFIED_FIELDS if getattr(course, field) != before[field]]
    if changed and course.status == Course.Status.PUBLISHED:
        course_changed_notify(course, changed)
    course_event(course.pk, Event.COURSE_CHANGED)
    return course


@transaction.atomic
def quota_set(*, course: Course, by: User, seats: Mapping[QuotaKey, int]) -> list[Quota]:
    """Replace the quotas (per region, organisation type or both), never below the seats
    their trainees hold; a raised quota lets its waiting trainees move up."""
    ensure_can_edit(course, by)
    course = lock_course(course.pk)
    old = {quota.key: quota.seats for quota in course.quotas.all()}
    quotas = quota_set_locked(course=course, seats=seats, seats_held=seat_state(course).held)
    new = {quota.key: quota.seats for quota in quotas}
    quota_changes_record(course=course, by=by, old=old, new=new)
    waitlist_promote(course=course)
    course_event(course.pk, Event.COURSE_CHANGED)
    return quotas


@transaction.atomic
def course_cancel(*, course: Course, by: User, reason: str) -> Course:
    """Cancel a published course and tell everyone registered, through the outbox."""
    ensure_can_edit(course, by)
    course = course_cancel_locked(course=lock_course(course.pk), reason=reason)
    history_record(
        course=course,
        by=by,
        action=AuditEvent.Action.COURSE_CANCELLED,
        details={"reason": course.cancel_reason},
    )
    # Everyone's registration ends with the course, in the same transaction: nobody moves up
    # into a freed seat, reminders (which go to active registrations) stop, and each person
    # gets the one notice below rather than a cancellation of their own registration.
    users = list(registered_users(course))
    Registration.objects.filter(course=course, status__in=ACTIVE_STATUSES).update(
        status=Registration.Status.CANCELLED,
        cancelled_at=timezone.now(),
        cancel_reason=_("The course was cancelled: %(reason)s") % {"reason": course.cancel_reason},
    )
    for user in users:
        outbox.enqueue(
            key=f"course:{course.pk}:cancelled:{user.pk}",
            to=user,
            template="courses/mail/course_cancelled",
            context={
                "course_title": course.title,
                "starts_on": course.starts_on,
                "reason": course.cancel_reason,
                "contact_name": course.contact_name,
                "contact_phone": course.contact_phone,
                "contact_email": course.contact_email,
            },
        )
    course_event(course.pk, Event.COURSE_CANCELLED)
    return course
