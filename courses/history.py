"""A course's change history: publication, cancellation, capacity and quota changes, written
to the audit log in the transaction of the change, and read back for its organisers."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region, User
from audit.models import AuditEvent
from audit.services import audit_record
from courses.models import Course, Quota
from courses.quotas import QuotaKey

Action = AuditEvent.Action
COURSE_ACTIONS = (
    Action.COURSE_PUBLISHED,
    Action.COURSE_CANCELLED,
    Action.CAPACITY_CHANGED,
    Action.QUOTA_ADDED,
    Action.QUOTA_CHANGED,
    Action.QUOTA_REMOVED,
)


def history_record(
    *, course: Course, by: User | None, action: str, details: dict | None = None
) -> None:
    """Record one change of `course`; call inside the transaction that makes it."""
    audit_record(actor=by, action=action, target=course, details=details)


def capacity_change_record(
    *, course: Course, by: User | None, old: int | None, new: int | None
) -> None:
    if old != new:
        history_record(
            course=course, by=by, action=Action.CAPACITY_CHANGED, details={"old": old, "new": new}
        )


def quota_changes_record(
    *, course: Course, by: User | None, old: Mapping[QuotaKey, int], new: Mapping[QuotaKey, int]
) -> None:
    """One event per quota added, changed or removed, with its seats before and after."""
    for key in sorted(
        old.keys() | new.keys(),
        key=lambda k: (k.region_id is None, k.region_id or 0, k.organisation_type),
    ):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        action = (
            Action.QUOTA_ADDED
            if before is None
            else Action.QUOTA_REMOVED
            if after is None
            else Action.QUOTA_CHANGED
        )
        details = {
            "region_id": key.region_id,
            "organisation_type": key.organisation_type,
            "old": before,
            "new": after,
        }
        history_record(course=course, by=by, action=action, details=details)


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    change: str


def _change(event: AuditEvent, regions: Mapping[int, Region]) -> str:
    """What changed, in the reader's language."""
    details = event.details or {}
    dash = "—"
    if event.action == Action.CAPACITY_CHANGED:
        return _("%(old)s → %(new)s seats") % {
            "old": dash if details.get("old") is None else details["old"],
            "new": dash if details.get("new") is None else details["new"],
        }
    if event.action in (Action.QUOTA_ADDED, Action.QUOTA_CHANGED, Action.QUOTA_REMOVED):
        quota = Quota(
            region=regions.get(details.get("region_id") or 0),
            organisation_type=details.get("organisation_type") or "",
        )
        return _("%(quota)s: %(old)s → %(new)s seats") % {
            "quota": quota.label,
            "old": details.get("old") or 0,
            "new": details.get("new") or 0,
        }
    if event.action == Action.COURSE_CANCELLED:
        return details.get("reason", "")
    return ""


def course_history(course: Course) -> list[HistoryEntry]:
    """The course's recorded changes, newest first, in the course's local time."""
    events = list(
        AuditEvent.objects.filter(
            target_type=Course._meta.label_lower,
            target_id=str(course.pk),
            action__in=COURSE_ACTIONS,
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
    region_ids = {event.details.get("region_id") for event in events if event.details}
    regions = Region.objects.in_bulk([pk for pk in region_ids if pk])
    return [
        HistoryEntry(
            when=timezone.localtime(event.created_at, course.tz),
            who=getattr(event.actor, "full_name", "") or event.actor_name,
            action=str(event.get_action_display()),
            change=_change(event, regions),
        )
        for event in events
    ]
