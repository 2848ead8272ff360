"""The administrators' attendance across courses, built for hundreds of thousands of rows."""

import datetime
from collections import Counter

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce, Collate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from accounts.exporters import PeopleExportForm
from accounts.models import PINYIN_COLLATION, Organisation
from accounts.roles import user_is_administrator
from attendance.exporters.base import (
    CHUNK,
    DATE,
    PERCENT,
    rate,
    trainee_columns,
    trainee_fields,
)
from attendance.models import ATTENDED_STATUSES, Attendance
from courses.models import Course, Session
from enrollment.models import Registration
from exports.registry import Exporter, register
from exports.writer import Column


class CrossCourseExportForm(PeopleExportForm):
    """The people export's region and organisation type, after a range of course dates."""

    date_from = forms.DateField(
        label=gettext_lazy("Courses from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range end", "to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = ["date_from", "date_to", "region", "organisation_type"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("The first date must not be after the last."), code="dates")
        return data


@register
class CrossCourseAttendanceExporter(Exporter):
    """Administrators: every confirmed registration of the courses in a date range, with the
    sessions attended, the sessions held and the rate. Built for hundreds of thousands of rows:
    the counts come from SQL and the rows stream."""

    name = "attendance.cross_course"
    title = gettext_lazy("Attendance across courses")
    # Offered on the attendance page (administrators), with this form for its filters.
    form_class = CrossCourseExportForm

    @classmethod
    def clean_params(cls, data) -> dict:
        form = CrossCourseExportForm(data)
        if not form.is_valid():
            raise ValidationError(
                _("Choose a valid date range, region and organisation type."),
                code="invalid_filter",
            )
        region = form.cleaned_data["region"]
        return {
            "date_from": form.cleaned_data["date_from"].isoformat(),
            "date_to": form.cleaned_data["date_to"].isoformat(),
            "region": region.code if region else "",
            "organisation_type": form.cleaned_data["organisation_type"],
        }

    def can_request(self, user) -> bool:
        return user_is_administrator(user)

    def describe(self) -> str:
        return f"{self.title}: {self.params.get('date_from')} – {self.params.get('date_to')}"

    def filename(self) -> str:
        name = _("attendance")
        start = self.params["date_from"].replace("-", "")
        end = self.params["date_to"].replace("-", "")
        return f"{name}-{start}-{end}.xlsx"

    def time_zone(self) -> str:
        return settings.TIME_ZONE

    def courses(self):
        start = datetime.date.fromisoformat(self.params["date_from"])
        end = datetime.date.fromisoformat(self.params["date_to"])
        return Course.objects.filter(starts_on__lte=end, ends_on__gte=start).exclude(
            status=Course.Status.DRAFT
        )

    def queryset(self):
        registrations = Registration.objects.filter(
            course__in=self.courses(), status=Registration.Status.CONFIRMED
        )
        if self.params.get("region"):
            registrations = registrations.filter(region__code=self.params["region"])
        if self.params.get("organisation_type"):
            registrations = registrations.filter(organisation_type=self.params["organisation_type"])
        return registrations

    def total(self) -> int:
        return self.queryset().count()

    def _held(self) -> tuple[Counter[int], Counter[tuple[int, int]]]:
        """Sessions started so far per course (for everyone) and per (course, group)."""
        common: Counter[int] = Counter()
        grouped: Counter[tuple[int, int]] = Counter()
        for course_id, group_id, n in (
            Session.objects.filter(course__in=self.courses(), starts_at__lte=timezone.now())
            .values("course_id", "discussion_group_id")
            .annotate(n=Count("pk"))
            .values_list("course_id", "discussion_group_id", "n")
        ):
            if group_id:
                grouped[(course_id, group_id)] += n
            else:
                common[course_id] += n
        return common, grouped

    def rows(self):
        """The sheet's rows in order, with each registration's sessions attended (what
        `write` streams; bench/explain.py explains it)."""
        attended = (
            Attendance.objects.filter(registration=OuterRef("pk"), status__in=ATTENDED_STATUSES)
            .order_by()
            .values("registration")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.queryset()
            .annotate(attended=Coalesce(Subquery(attended, output_field=IntegerField()), 0))
            .order_by(
                "course__starts_on", "course_id", Collate("full_name", PINYIN_COLLATION), "pk"
            )
            .values_list(
                "course_id",
                "course__title",
                "course__starts_on",
                "course__ends_on",
                *trainee_fields(),
                "attended",
            )
        )

    def columns(self) -> list[Column]:
        """The sheet's columns, headed in the active language."""
        return [
            Column(_("Course"), 30),
            Column(_("First day"), 11, number_format=DATE),
            Column(pgettext("course dates", "Last day"), 11, number_format=DATE),
            *trainee_columns(),
            Column(_("Sessions attended"), 10),
            Column(_("Sessions held"), 10),
            Column(_("Attendance rate"), 10, number_format=PERCENT),
        ]

    def write(self, book, progress) -> None:
        types = dict(Organisation.Type.choices)
        sheet = book.sheet(_("Attendance across courses"), self.columns())
        common, grouped = self._held()
        for count, row in enumerate(self.rows().iterator(chunk_size=CHUNK), start=1):
            course_id, title, first, last, name, org, kind, region, group_id, group = row[:10]
            phone, email, attended_n = row[10:]
            held = common[course_id] + (grouped[(course_id, group_id)] if group_id else 0)
            sheet.append(
                [
                    title,
                    first,
                    last,
                    name,
                    org,
                    types.get(kind, kind),
                    region,
                    group or "",
                    phone,
                    email,
                    attended_n,
                    held,
                    rate(attended_n, held),
                ]
            )
            progress(count)
