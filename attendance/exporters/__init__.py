"""The attendance spreadsheets: a course's attendance sheet and printable sign-in sheets, and
the administrators' attendance across courses. Importing the package registers them.

Every query streams with `.iterator()` and aggregates in SQL; no query runs per row.
"""

from attendance.exporters.cross_course import CrossCourseAttendanceExporter, CrossCourseExportForm
from attendance.exporters.sheet import AttendanceSheetExporter
from attendance.exporters.signin import SignInSheetExporter

__all__ = [
    "AttendanceSheetExporter",
    "CrossCourseAttendanceExporter",
    "CrossCourseExportForm",
    "SignInSheetExporter",
]
