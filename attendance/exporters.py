"""The attendance spreadsheets: a course's attendance sheet and printable sign-in sheets, and
the administrators' attendance across courses.

Every query streams with `.iterator()` and aggregates in SQL; no query runs per row.
"""

import datetime
from collections import Counter, defaultdict
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import ValidationError
from django.db.models import (
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Collate, Concat
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from accounts.models import PINYIN_COLLATION, Organisation, Region
from accounts.roles import user_is_administrator
from accounts.types import AnyUser
from attendance.models import ATTENDED_STATUSES, Attendance
from courses.exporters import CourseExporter
from courses.models import Course, DiscussionGroup, Session
from enrollment.models import Registration
from exports.registry import Exporter, Progress, register
from exports.writer import Column, SafeWorkbook

DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
PERCENT = "0.0%"
NOT_APPLICABLE = "—"
CHUNK = 2000


def _region_field() -> str:
    return "name_en" if (get_language() or "").startswith("en") else "name_zh"


def _rate(attended: int, held: int) -> float | None:
    return attended / held if held else None


def _by_name(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    return queryset.order_by(Collate("full_name", PINYIN_COLLATION), "pk")


class _CourseExporter(CourseExporter):
    """An attendance-app export of one course."""

    def confirmed(self) -> QuerySet[Registration]:
        return Registration.objects.filter(
            course_id=self.params["course"], status=Registration.Status.CONFIRMED
        )

    def sessions(self) -> list[Session]:
        return list(
            Session.objects.filter(course_id=self.params["course"])
            .select_related("discussion_group")
            .order_by("starts_at", "order", "pk")
        )


@register
class AttendanceSheetExporter(_CourseExporter):
    """One row per confirmed trainee and one column per session; totals per session; rates by
    region and by type of organisation."""

    name = "attendance.sheet"
    title = gettext_lazy("Attendance sheet")

    def total(self) -> int:
        return self.confirmed().count()

    def _session_header(self, session: Session) -> str:
        starts = timezone.localtime(session.starts_at, self.course.tz)
        ends = timezone.localtime(session.ends_at, self.course.tz)
        return f"{starts:%Y-%m-%d} {starts:%H:%M}–{ends:%H:%M}\n{session.title}"

    def write(self, book: SafeWorkbook, progress: Progress) -> None:
        now = timezone.now()
        sessions = self.sessions()
        labels = dict(Attendance.Status.choices)
        types = dict(Organisation.Type.choices)
        statuses = Attendance.Status.values
        status_columns = [Column(str(labels[s]), 8) for s in statuses]
        main = book.sheet(
            _("Attendance"),
            [
                Column(_("Full name"), 12),
                Column(_("Organisation"), 30),
                Column(_("Organisation type"), 16),
                Column(_("Region"), 10),
                Column(_("Group"), 10),
                Column(_("Mobile number"), 14),
                Column(_("E-mail"), 24),
                *[Column(self._session_header(s), 16, wrap=True) for s in sessions],
                *status_columns,
                Column(_("Not marked"), 8),
                Column(_("Sessions held"), 8),
                Column(_("Attendance rate"), 10, number_format=PERCENT),
            ],
            landscape=True,
        )
        per_session = book.sheet(
            _("Per session"),
            [
                Column(_("Starts"), 17, number_format=DATETIME),
                Column(_("Ends"), 17, number_format=DATETIME),
                Column(_("Session"), 36),
                Column(_("Group"), 10),
                Column(_("Expected"), 9),
                *status_columns,
                Column(_("Not marked"), 9),
                Column(_("Attendance rate"), 10, number_format=PERCENT),
            ],
        )
        breakdown = book.sheet(
            _("By region and type"),
            [
                Column(_("Breakdown"), 16),
                Column(_("Name"), 24),
                Column(_("Trainees"), 9),
                Column(_("Sessions attended"), 10),
                Column(_("Sessions held"), 10),
                Column(_("Attendance rate"), 10, number_format=PERCENT),
            ],
        )

        mark = Concat(
            Cast("attendances__session_id", CharField()),
            Value(":"),
            "attendances__status",
            output_field=CharField(),
        )
        rows = _by_name(
            self.confirmed().annotate(
                marks=ArrayAgg(mark, filter=Q(attendances__isnull=False), distinct=True)
            )
        ).values_list(
            "full_name",
            "organisation_name",
            "organisation_type",
            f"region__{_region_field()}",
            "discussion_group_id",
            "discussion_group__name",
            "phone",
            "trainee__email",
            "marks",
        )
        session_totals: dict[int, Counter[str]] = {s.pk: Counter() for s in sessions}
        expected: Counter[int] = Counter()
        started = {s.pk for s in sessions if s.starts_at <= now}
        by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for count, (name, org, kind, region, group_id, group, phone, email, marks) in enumerate(
            rows.iterator(chunk_size=CHUNK), start=1
        ):
            own = dict(item.split(":", 1) for item in (marks or []) if item)
            cells: list[Any] = []
            tally: Counter[str] = Counter()
            held = attended = 0
            for session in sessions:
                if session.discussion_group_id and session.discussion_group_id != group_id:
                    cells.append(NOT_APPLICABLE)
                    continue
                expected[session.pk] += 1
                status = own.get(str(session.pk))
                if session.pk in started:
                    held += 1
                if status:
                    tally[status] += 1
                    session_totals[session.pk][status] += 1
                    if status in ATTENDED_STATUSES:
                        attended += 1
                    cells.append(str(labels[status]))
                else:
                    cells.append(None)
            unmarked = sum(1 for c in cells if c is None)
            main.append(
                [
                    name,
                    org,
                    types.get(kind, kind),
                    region,
                    group or "",
                    phone,
                    email,
                    *cells,
                    *[tally[s] for s in statuses],
                    unmarked,
                    held,
                    _rate(attended, held),
                ]
            )
            for bucket in (by_region[region], by_type[types.get(kind, kind)]):
                bucket[0] += 1
                bucket[1] += attended
                bucket[2] += held
            progress(count)

        for session in sessions:
            totals = session_totals[session.pk]
            marked = sum(totals.values())
            attended = sum(totals[s] for s in ATTENDED_STATUSES)
            per_session.append(
                [
                    session.starts_at,
                    session.ends_at,
                    session.title,
                    session.discussion_group.name if session.discussion_group else "",
                    expected[session.pk],
                    *[totals[s] for s in statuses],
                    max(0, expected[session.pk] - marked),
                    _rate(attended, expected[session.pk]) if session.pk in started else None,
                ]
            )
        for heading, buckets in ((_("Region"), by_region), (_("Organisation type"), by_type)):
            for label, (trainees, attended, held) in sorted(buckets.items()):
                breakdown.append([heading, label, trainees, attended, held, _rate(attended, held)])


@register
class SignInSheetExporter(_CourseExporter):
    """A sheet to print on A4 and sign by hand: a session's or a group's trainees."""

    name = "attendance.signin"
    title = gettext_lazy("Sign-in sheet")

    @classmethod
    def clean_params(cls, data) -> dict:
        params = super().clean_params(data)
        for key, model in (("session", Session), ("group", DiscussionGroup)):
            raw = data.get(key) or ""
            if not raw:
                params[key] = None
                continue
            try:
                pk = int(raw)
            except (TypeError, ValueError):
                pk = 0
            if not model.objects.filter(pk=pk, course_id=params["course"]).exists():
                raise ValidationError(
                    _("Choose a session or a group of this course."), code="invalid_target"
                )
            params[key] = pk
        return params

    def _group_id(self) -> int | None:
        if self.params.get("group"):
            return self.params["group"]
        if self.params.get("session"):
            return Session.objects.get(pk=self.params["session"]).discussion_group_id
        return None

    def _heading(self) -> str:
        parts = [self.course.title]
        if self.params.get("session"):
            session = Session.objects.get(pk=self.params["session"])
            starts = timezone.localtime(session.starts_at, self.course.tz)
            parts.append(f"{session.title} {starts:%Y-%m-%d %H:%M}")
        if self.params.get("group"):
            parts.append(DiscussionGroup.objects.get(pk=self.params["group"]).name)
        return " · ".join(parts)

    def queryset(self) -> QuerySet[Registration]:
        registrations = self.confirmed()
        group_id = self._group_id()
        if group_id:
            registrations = registrations.filter(discussion_group_id=group_id)
        return _by_name(registrations)

    def total(self) -> int:
        return self.queryset().count()

    def write(self, book: SafeWorkbook, progress: Progress) -> None:
        sheet = book.sheet(
            _("Sign-in sheet"),
            [
                Column(pgettext("row number", "No."), 6),
                Column(_("Full name"), 14),
                Column(_("Organisation"), 40),
                Column(_("Signature"), 30),
            ],
            print_titles=True,
        )
        # The heading prints on every page; '&' is a control character in page headers.
        sheet.sheet.oddHeader.center.text = self._heading().replace("&", "&&")
        sheet.sheet.oddFooter.center.text = "&P / &N"
        rows = self.queryset().values_list("full_name", "organisation_name")
        for count, (name, org) in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
            sheet.append([count, name, org, ""])
            progress(count)


class CrossCourseExportForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("Courses from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=gettext_lazy("All regions"),
    )
    organisation_type = forms.ChoiceField(
        label=gettext_lazy("Organisation type"),
        choices=[("", gettext_lazy("All types")), *Organisation.Type.choices],
        required=False,
    )

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

    def can_request(self, user: AnyUser) -> bool:
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

    def courses(self) -> QuerySet[Course]:
        start = datetime.date.fromisoformat(self.params["date_from"])
        end = datetime.date.fromisoformat(self.params["date_to"])
        return Course.objects.filter(starts_on__lte=end, ends_on__gte=start).exclude(
            status=Course.Status.DRAFT
        )

    def queryset(self) -> QuerySet[Registration]:
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
                "full_name",
                "organisation_name",
                "organisation_type",
                f"region__{_region_field()}",
                "discussion_group_id",
                "discussion_group__name",
                "phone",
                "trainee__email",
                "attended",
            )
        )

    def write(self, book: SafeWorkbook, progress: Progress) -> None:
        types = dict(Organisation.Type.choices)
        sheet = book.sheet(
            _("Attendance across courses"),
            [
                Column(_("Course"), 30),
                Column(_("First day"), 11, number_format=DATE),
                Column(_("Last day"), 11, number_format=DATE),
                Column(_("Full name"), 12),
                Column(_("Organisation"), 30),
                Column(_("Organisation type"), 16),
                Column(_("Region"), 10),
                Column(_("Group"), 10),
                Column(_("Mobile number"), 14),
                Column(_("E-mail"), 24),
                Column(_("Sessions attended"), 10),
                Column(_("Sessions held"), 10),
                Column(_("Attendance rate"), 10, number_format=PERCENT),
            ],
        )
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
                    _rate(attended_n, held),
                ]
            )
            progress(count)
