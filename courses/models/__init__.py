"""Courses, their timetable (sessions), speakers, discussion groups, quotas, materials
and reading packs; one module per concept, every model importable from `courses.models`."""

from courses.models.course import DEFAULT_TIME_ZONE, Course, CourseCheckinStaff, Quota
from courses.models.hours import HoursRule
from courses.models.materials import Material, material_upload_to
from courses.models.reading_pack import (
    ReadingPackBundle,
    ReadingPackItem,
    ReadingPackSection,
    pack_bundle_upload_to,
)
from courses.models.timetable import DiscussionGroup, Session, Speaker

__all__ = [
    "DEFAULT_TIME_ZONE",
    "Course",
    "CourseCheckinStaff",
    "DiscussionGroup",
    "HoursRule",
    "Material",
    "ReadingPackBundle",
    "ReadingPackItem",
    "ReadingPackSection",
    "Quota",
    "Session",
    "Speaker",
    "material_upload_to",
    "pack_bundle_upload_to",
]
