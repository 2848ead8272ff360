"""The cross-course export streams: its memory does not grow with the number of rows."""

import datetime
import tracemalloc

import pytest
from django.utils import timezone, translation

from accounts.models import User
from attendance.exporters import CrossCourseAttendanceExporter
from attendance.models import Attendance
from courses.models import Course
from enrollment.models import Registration
from exports.writer import SafeWorkbook
from tests.factories.accounts import OrganisationFactory, region
from tests.factories.courses import CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _course_with(rows: int, first: datetime.date, organisation) -> Course:
    course = CourseFactory(
        status=Course.Status.PUBLISHED,
        starts_on=first,
        ends_on=first,
        registration_opens_at=timezone.now() - datetime.timedelta(days=400),
        registration_closes_at=timezone.now() - datetime.timedelta(days=300),
    )
    session = SessionFactory(course=course)
    users = User.objects.bulk_create(
        User(
            email=f"m{first:%Y%m%d}-{n}@example.cn",
            full_name=f"学员{n}",
            phone=f"139{n:08d}",
            organisation=organisation,
        )
        for n in range(rows)
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            course=course,
            trainee=user,
            status=Registration.Status.CONFIRMED,
            full_name=user.full_name,
            organisation_name=organisation.name,
            organisation_type=organisation.type,
            region=organisation.region,
            phone=user.phone,
        )
        for user in users
    )
    Attendance.objects.bulk_create(
        Attendance(
            registration=registration,
            session=session,
            status=Attendance.Status.PRESENT,
            method=Attendance.Method.IMPORT,
            marked_at=timezone.now(),
        )
        for registration in registrations[::2]
    )
    return course


def _peak(first: datetime.date, tmp_path) -> int:
    exporter = CrossCourseAttendanceExporter(
        CrossCourseAttendanceExporter.clean_params(
            {"date_from": first.isoformat(), "date_to": first.isoformat()}
        )
    )
    with translation.override("zh-hans"):
        book = SafeWorkbook(time_zone=exporter.time_zone())
        tracemalloc.start()
        exporter.write(book, lambda rows: None)
        book.save(tmp_path / f"{first}.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_memory_stays_flat_as_rows_grow(tmp_path):
    organisation = OrganisationFactory(name="某市人社局", region=region("32"))
    small, large = datetime.date(2024, 3, 1), datetime.date(2024, 6, 1)
    _course_with(4_000, small, organisation)
    _course_with(12_000, large, organisation)
    small_peak = _peak(small, tmp_path)
    large_peak = _peak(large, tmp_path)
    # Three times the rows (both beyond one fetched chunk), nearly the same memory: rows
    # stream from the database cursor to the file.
    assert large_peak < small_peak * 1.3, (small_peak, large_peak)
