"""What the attendance spreadsheets share: number formats, the base of the exports of one
course, and the small rules every sheet applies the same way."""

from django.db.models.functions import Collate
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from accounts.models import PINYIN_COLLATION
from courses.exporters import CourseExporter
from courses.models import Session
from enrollment.models import Registration
from exports.writer import Column

DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
PERCENT = "0.0%"
NOT_APPLICABLE = "—"
CHUNK = 2000


def region_field() -> str:
    """The Region field that names a region in the active language."""
    return "name_en" if (get_language() or "").startswith("en") else "name_zh"


def rate(attended: int, held: int) -> float | None:
    """Sessions attended over sessions held; no rate before any session is held."""
    return attended / held if held else None


def trainee_columns() -> list[Column]:
    """Who a row is about: the columns a trainee's row starts with, headed in the active
    language."""
    return [
        Column(pgettext("person", "Full name"), 12),
        Column(_("Organisation"), 30),
        Column(_("Organisation type"), 16),
        Column(_("Region"), 10),
        Column(_("Group"), 10),
        Column(_("Mobile number"), 14),
        Column(_("E-mail"), 24),
    ]


def trainee_fields() -> tuple[str, ...]:
    """The registration's fields behind `trainee_columns()`, with the group's id first (a
    trainee takes only their own group's sessions) and the region in the active language."""
    return (
        "full_name",
        "organisation_name",
        "organisation_type",
        f"region__{region_field()}",
        "discussion_group_id",
        "discussion_group__name",
        "phone",
        "trainee__email",
    )


def by_name(queryset):
    """Registrations in the order of their names in pinyin, as a sign-in list reads."""
    return queryset.order_by(Collate("full_name", PINYIN_COLLATION), "pk")


class AttendanceCourseExporter(CourseExporter):
    """An attendance-app export of one course."""

    def confirmed(self):
        return Registration.objects.filter(
            course_id=self.params["course"], status=Registration.Status.CONFIRMED
        )

    def sessions(self) -> list[Session]:
        return list(
            Session.objects.filter(course_id=self.params["course"])
            .select_related("discussion_group")
            .order_by("starts_at", "order", "pk")
        )
