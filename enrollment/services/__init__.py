"""Every write with business meaning on registrations. Views, tasks and commands call these."""

from enrollment.services.approval import (
    registration_approve,
    registration_approve_many,
    registration_move_to_waitlist,
    registration_reject,
    registration_reject_many,
)
from enrollment.services.common import BUSY_MESSAGE, CourseBusy
from enrollment.services.course_changes import course_cancel, course_update, quota_set
from enrollment.services.registration import registration_cancel, registration_create
from enrollment.services.waitlist import waitlist_position, waitlist_promote

__all__ = [
    "BUSY_MESSAGE",
    "CourseBusy",
    "course_cancel",
    "course_update",
    "quota_set",
    "registration_approve",
    "registration_approve_many",
    "registration_cancel",
    "registration_create",
    "registration_move_to_waitlist",
    "registration_reject",
    "registration_reject_many",
    "waitlist_position",
    "waitlist_promote",
]
