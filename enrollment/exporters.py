"""The enrollment spreadsheets: a course's registration list, whatever each registration's status.

Streams with `.iterator()`; no query runs per row.
"""

from django.db.models import QuerySet
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from accounts.models import Organisation
from courses.exporters import CourseExporter
from enrollment.models import Registration
from enrollment.selectors import registration_list_for_course
from exports.registry import Progress, register
from exports.writer import Column, SafeWorkbook

DATETIME = "yyyy-mm-dd hh:mm"
CHUNK = 2000


@register
class RegistrationListExporter(CourseExporter):
    """Every registration of a course, whatever its status."""

    # The name it had when attendance owned it: existing jobs, links and buttons keep working.
    name = "attendance.registrations"
    title = gettext_lazy("Registration list")

    def queryset(self) -> QuerySet[Registration]:
        return registration_list_for_course(self.course)

    def total(self) -> int:
        return Registration.objects.filter(course_id=self.params["course"]).count()

    def columns(self) -> list[Column]:
        """The sheet's columns, headed in the active language."""
        return [
            Column(pgettext("person", "Full name"), 12),
            Column(_("Organisation"), 30),
            Column(_("Organisation type"), 16),
            Column(_("Region"), 10),
            Column(_("Position"), 14),
            Column(_("Mobile number"), 14),
            Column(_("E-mail"), 24),
            Column(_("Status"), 12),
            Column(_("Source"), 12),
            Column(_("Registered"), 17, number_format=DATETIME),
            Column(_("Joined the waiting list"), 17, number_format=DATETIME),
            Column(_("Waiting-list position"), 8),
            Column(_("Decided"), 17, number_format=DATETIME),
            Column(_("Decided by"), 12),
            Column(_("Reason for the decision"), 30, wrap=True),
            Column(_("Cancelled"), 17, number_format=DATETIME),
            Column(_("Reason for cancelling"), 30, wrap=True),
            Column(_("Nominating unit"), 24),
            Column(_("Group"), 10),
        ]

    def write(self, book: SafeWorkbook, progress: Progress) -> None:
        types = dict(Organisation.Type.choices)
        statuses = dict(Registration.Status.choices)
        sources = dict(Registration.Source.choices)
        region_name = "name_en" if (get_language() or "").startswith("en") else "name_zh"
        sheet = book.sheet(_("Registrations"), self.columns())
        rows = self.queryset().values_list(
            "full_name",
            "organisation_name",
            "organisation_type",
            f"region__{region_name}",
            "position",
            "phone",
            "trainee__email",
            "status",
            "source",
            "created_at",
            "waitlisted_at",
            "ahead",
            "decided_at",
            "decided_by__full_name",
            "decision_reason",
            "cancelled_at",
            "cancel_reason",
            "nominating_unit__organisation__name",
            "discussion_group__name",
        )
        for count, row in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
            (name, org, kind, region, position, phone, email, status, source, created) = row[:10]
            waitlisted, ahead, decided, decided_by, reason, cancelled, cancel_reason = row[10:17]
            unit, group = row[17:]
            sheet.append(
                [
                    name,
                    org,
                    types.get(kind, kind),
                    region,
                    position,
                    phone,
                    email,
                    str(statuses.get(status, status)),
                    str(sources.get(source, source)),
                    created,
                    waitlisted,
                    (ahead or 0) + 1 if status == Registration.Status.WAITLISTED else None,
                    decided,
                    decided_by or "",
                    reason,
                    cancelled,
                    cancel_reason,
                    unit or "",
                    group or "",
                ]
            )
            progress(count)
