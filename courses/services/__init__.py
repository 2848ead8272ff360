"""Every write with business meaning on courses. Views, admin actions and commands call these."""

from courses.services.course import (
    course_archive,
    course_cancel,
    course_clone,
    course_create,
    course_delete,
    course_missing_for_publication,
    course_organiser_add,
    course_organiser_remove,
    course_publish,
    course_update,
)
from courses.services.materials import material_delete, material_upload
from courses.services.timetable import (
    group_create,
    group_delete,
    group_update,
    quota_set,
    session_create,
    session_delete,
    session_update,
    speaker_create,
    speaker_delete,
    speaker_update,
)

__all__ = [
    "course_archive",
    "course_cancel",
    "course_clone",
    "course_create",
    "course_delete",
    "course_missing_for_publication",
    "course_organiser_add",
    "course_organiser_remove",
    "course_publish",
    "course_update",
    "group_create",
    "group_delete",
    "group_update",
    "material_delete",
    "material_upload",
    "quota_set",
    "session_create",
    "session_delete",
    "session_update",
    "speaker_create",
    "speaker_delete",
    "speaker_update",
]
