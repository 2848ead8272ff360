"""Discussion groups: assigned by hand, or balanced so every group mixes regions and types."""

from itertools import cycle

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import DiscussionGroup
from courses.services.common import ensure_can_edit
from enrollment.models import ACTIVE_STATUSES, Registration
from enrollment.services.common import lock_course


def group_assign(
    *, course_id: int, by: User, registration_ids: list[int], group_id: int | None
) -> int:
    """Put the given registrations into one group (None takes them out of any group)."""
    with transaction.atomic(durable=True):
        course = lock_course(course_id)
        ensure_can_edit(course, by)
        if (
            group_id is not None
            and not DiscussionGroup.objects.filter(course=course, pk=group_id).exists()
        ):
            raise ValidationError(
                _("Choose one of this course's groups."), code="group_other_course"
            )
        if not registration_ids:
            raise ValidationError(_("Tick at least one registration."), code="nothing_ticked")
        return Registration.objects.filter(
            course=course, pk__in=registration_ids, status__in=ACTIVE_STATUSES
        ).update(discussion_group_id=group_id)


def group_assign_balanced(*, course_id: int, by: User) -> dict[int, int]:
    """Deal the confirmed trainees round-robin over the groups, sorted by region and then
    organisation type, so neighbours in that order (the same province, the same kind of
    unit) land in different groups. Returns the number of trainees per group id."""
    with transaction.atomic(durable=True):
        course = lock_course(course_id)
        ensure_can_edit(course, by)
        groups = list(DiscussionGroup.objects.filter(course=course).order_by("name", "pk"))
        if not groups:
            raise ValidationError(
                _("Create the discussion groups first (on the course's Groups page)."),
                code="no_groups",
            )
        registrations = list(
            Registration.objects.filter(
                course=course, status=Registration.Status.CONFIRMED
            ).select_related("region")
        )
        counts = deal_round_robin(registrations, groups)
        Registration.objects.bulk_update(registrations, ["discussion_group"], batch_size=500)
        # Nobody without a seat keeps a group.
        Registration.objects.filter(course=course).exclude(
            status=Registration.Status.CONFIRMED
        ).update(discussion_group=None)
        return counts


def deal_round_robin(
    registrations: list[Registration], groups: list[DiscussionGroup]
) -> dict[int, int]:
    """Set each registration's group, dealing them out in region, then organisation-type order."""
    ordered = sorted(
        registrations,
        key=lambda r: (r.region.sort_order, r.region.code, r.organisation_type, r.full_name, r.pk),
    )
    counts = {group.pk: 0 for group in groups}
    for registration, group in zip(ordered, cycle(groups), strict=False):
        registration.discussion_group = group
        counts[group.pk] += 1
    return counts
