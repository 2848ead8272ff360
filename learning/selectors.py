"""A trainee's learning record: every course attended, the learning hours (学时) offered and
earned, the certificate, and the totals per year."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accounts.types import AnyUser
from attendance.hours import hours_for_registrations
from certificates.models import Certificate
from courses.hours import ZERO
from courses.models import Course
from enrollment.models import Registration
from enrollment.selectors import registration_list_confirmed_for


@dataclass(frozen=True)
class RecordRow:
    course: Course
    offered: Decimal
    earned: Decimal
    certificate: Certificate | None


@dataclass
class RecordYear:
    year: int
    rows: list[RecordRow] = field(default_factory=list)

    @property
    def offered(self) -> Decimal:
        return sum((r.offered for r in self.rows), ZERO)

    @property
    def earned(self) -> Decimal:
        return sum((r.earned for r in self.rows), ZERO)


def _attended(user: AnyUser, today: datetime.date) -> list[Registration]:
    """The user's confirmed registrations of courses that have begun, latest first."""
    return list(
        registration_list_confirmed_for(user)
        .filter(course__starts_on__lte=today)
        .select_related("course")
        .order_by("-course__starts_on", "-pk")
    )


def learning_record_for(user: AnyUser, *, today: datetime.date | None = None) -> list[RecordYear]:
    """The record by year of the course's start, latest year first; a constant number of
    queries however many courses."""
    today = today or timezone.localdate()
    registrations = _attended(user, today)
    hours = hours_for_registrations(
        registrations, courses={r.course_id: r.course for r in registrations}.values()
    )
    certificates = {
        c.registration_id: c
        for c in Certificate.objects.filter(
            registration__in=[r.pk for r in registrations], status=Certificate.Status.ISSUED
        )
    }
    years: dict[int, RecordYear] = {}
    for registration in registrations:
        year = (registration.course.starts_on or today).year  # begun: it has a start date
        record = years.setdefault(year, RecordYear(year))
        mine = hours[registration.pk]
        record.rows.append(
            RecordRow(
                course=registration.course,
                offered=mine.offered,
                earned=mine.earned,
                certificate=certificates.get(registration.pk),
            )
        )
    return sorted(years.values(), key=lambda y: -y.year)
