"""The attendance sheet of a course: one row per confirmed trainee and one column per session,
with totals per session and rates by region and by type of organisation."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import CharField, Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.models import Organisation
from attendance.exporters.base import (
    CHUNK,
    DATETIME,
    NOT_APPLICABLE,
    PERCENT,
    AttendanceCourseExporter,
    by_name,
    rate,
    trainee_columns,
    trainee_fields,
)
from attendance.models import ATTENDED_STATUSES, Attendance, AttendanceChange
from courses.models import Session
from exports.registry import register
from exports.writer import Column


@register
class AttendanceSheetExporter(AttendanceCourseExporter):
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

    def write(self, book, progress) -> None:
        now = timezone.now()
        sessions = self.sessions()
        tally = _SheetTally(sessions, started={s.pk for s in sessions if s.starts_at <= now})
        status_columns = [Column(str(tally.labels[s]), 8) for s in tally.statuses]
        main = self._trainee_sheet(book, sessions, status_columns)
        per_session = self._session_sheet(book, status_columns)
        breakdown = self._breakdown_sheet(book)
        for count, row in enumerate(self._trainee_rows().iterator(chunk_size=CHUNK), start=1):
            main.append(tally.trainee_row(row))
            progress(count)
        for session in sessions:
            per_session.append(tally.session_row(session))
        for heading, buckets in (
            (_("Region"), tally.by_region),
            (_("Organisation type"), tally.by_type),
        ):
            for label, (trainees, attended, held) in sorted(buckets.items()):
                breakdown.append([heading, label, trainees, attended, held, rate(attended, held)])

    def _trainee_sheet(self, book, sessions: list[Session], status_columns: list[Column]):
        """One row per trainee, one column per session, then the trainee's totals."""
        return book.sheet(
            _("Attendance"),
            [
                *trainee_columns(),
                *[Column(self._session_header(s), 16, wrap=True) for s in sessions],
                *status_columns,
                Column(_("Not marked"), 8),
                Column(_("Sessions held"), 8),
                Column(_("Attendance rate"), 10, number_format=PERCENT),
                Column(_("Corrections of marks"), 9),
            ],
            landscape=True,
        )

    def _session_sheet(self, book, status_columns: list[Column]):
        return book.sheet(
            _("Per session"),
            [
                Column(_("Starts"), 17, number_format=DATETIME),
                Column(pgettext("session", "Ends"), 17, number_format=DATETIME),
                Column(_("Session"), 36),
                Column(_("Group"), 10),
                Column(_("Expected"), 9),
                *status_columns,
                Column(_("Not marked"), 9),
                Column(_("Attendance rate"), 10, number_format=PERCENT),
            ],
        )

    def _breakdown_sheet(self, book):
        return book.sheet(
            _("By region and type"),
            [
                Column(_("Breakdown"), 16),
                Column(pgettext("region or organisation type", "Name"), 24),
                Column(_("Trainees"), 9),
                Column(_("Sessions attended"), 10),
                Column(_("Sessions held"), 10),
                Column(_("Attendance rate"), 10, number_format=PERCENT),
            ],
        )

    def _trainee_rows(self):
        """The confirmed trainees by name, each with its marks as "session id:status"."""
        mark = Concat(
            Cast("attendances__session_id", CharField()),
            Value(":"),
            "attendances__status",
            output_field=CharField(),
        )
        corrections = (
            AttendanceChange.objects.filter(registration=OuterRef("pk"))
            .values("registration")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return by_name(
            self.confirmed().annotate(
                marks=ArrayAgg(mark, filter=Q(attendances__isnull=False), distinct=True),
                corrections=Coalesce(Subquery(corrections), 0),
            )
        ).values_list(
            *trainee_fields(),
            "marks",
            "corrections",
        )


@dataclass
class _TraineeMarks:
    """One trainee's cell per session (None: not marked) and the counts beside them."""

    cells: list[Any] = field(default_factory=list)
    tally: Counter = field(default_factory=Counter)
    held: int = 0
    attended: int = 0


class _SheetTally:
    """What the attendance sheet adds up while the trainee rows stream past: the marks of each
    session, who was expected at it, and the attendance by region and by organisation type."""

    def __init__(self, sessions: list[Session], *, started: set[int]):
        self.sessions = sessions
        self.started = started
        self.labels = dict(Attendance.Status.choices)
        self.types = dict(Organisation.Type.choices)
        self.statuses = Attendance.Status.values
        self.session_totals: dict[int, Counter[str]] = {s.pk: Counter() for s in sessions}
        self.expected: Counter[int] = Counter()
        self.by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        self.by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])

    def trainee_row(self, row) -> list[Any]:
        name, org, kind, region, group_id, group, phone, email, marks, corrections = row
        own = self._marks(dict(item.split(":", 1) for item in (marks or []) if item), group_id)
        kind_label = self.types.get(kind, kind)
        for bucket in (self.by_region[region], self.by_type[kind_label]):
            bucket[0] += 1
            bucket[1] += own.attended
            bucket[2] += own.held
        return [
            name,
            org,
            kind_label,
            region,
            group or "",
            phone,
            email,
            *own.cells,
            *[own.tally[s] for s in self.statuses],
            sum(1 for c in own.cells if c is None),
            own.held,
            rate(own.attended, own.held),
            corrections,
        ]

    def _marks(self, own: dict[str, str], group_id: int | None) -> _TraineeMarks:
        """A trainee's marks, session by session; a session of another group is not theirs."""
        result = _TraineeMarks()
        for session in self.sessions:
            if session.discussion_group_id and session.discussion_group_id != group_id:
                result.cells.append(NOT_APPLICABLE)
                continue
            self.expected[session.pk] += 1
            status = own.get(str(session.pk))
            if session.pk in self.started:
                result.held += 1
            if status:
                result.tally[status] += 1
                self.session_totals[session.pk][status] += 1
                if status in ATTENDED_STATUSES:
                    result.attended += 1
                result.cells.append(str(self.labels[status]))
            else:
                result.cells.append(None)
        return result

    def session_row(self, session: Session) -> list[Any]:
        totals = self.session_totals[session.pk]
        marked = sum(totals.values())
        attended = sum(totals[s] for s in ATTENDED_STATUSES)
        expected = self.expected[session.pk]
        return [
            session.starts_at,
            session.ends_at,
            session.title,
            session.discussion_group.name if session.discussion_group else "",
            expected,
            *[totals[s] for s in self.statuses],
            max(0, expected - marked),
            rate(attended, expected) if session.pk in self.started else None,
        ]
