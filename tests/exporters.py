"""Exporters used only by the tests, registered in the test process and in test workers."""

import os
import time

from celery.exceptions import SoftTimeLimitExceeded

from exports.registry import Exporter, register
from exports.writer import Column


class _TestExporter(Exporter):
    title = "test export"
    rows = 10

    def can_request(self, user) -> bool:
        return True

    def total(self) -> int:
        return self.rows

    def filename(self) -> str:
        return f"{self.name}.xlsx"


class _Failing(_TestExporter):
    error: Exception

    def write(self, book, progress) -> None:
        sheet = book.sheet("x", [Column("a")])
        sheet.append(["row"])
        raise self.error


@register
class BrokenExporter(_Failing):
    name = "tests.broken"
    error = KeyError("boom")


@register
class SlowExporter(_Failing):
    name = "tests.slow"
    error = SoftTimeLimitExceeded()


@register
class CrawlingExporter(_TestExporter):
    """Writes 40 rows slowly (when PORTAL_TEST_CRAWL is set), so a test can kill its worker."""

    name = "tests.crawling"
    rows = 40

    def write(self, book, progress) -> None:
        sheet = book.sheet("rows", [Column("n")])
        delay = 0.1 if os.environ.get("PORTAL_TEST_CRAWL") else 0
        for n in range(1, self.rows + 1):
            sheet.append([n])
            time.sleep(delay)
            progress(n)


@register
class CrawlingAttendanceSheetExporter(Exporter):
    """The real attendance sheet, one row every 0.1 s when PORTAL_TEST_CRAWL is set. It wraps
    the real exporter lazily: workers import this module before Django's apps are ready."""

    name = "tests.crawling_attendance"
    title = "attendance sheet, slowly"

    @staticmethod
    def _real_class():
        from attendance.exporters import AttendanceSheetExporter

        return AttendanceSheetExporter

    @classmethod
    def clean_params(cls, data) -> dict:
        return cls._real_class().clean_params(data)

    def _real(self):
        return self._real_class()(self.params)

    def can_request(self, user) -> bool:
        return self._real().can_request(user)

    def total(self) -> int:
        return self._real().total()

    def filename(self) -> str:
        return self._real().filename()

    def time_zone(self) -> str:
        return self._real().time_zone()

    def write(self, book, progress) -> None:
        delay = 0.1 if os.environ.get("PORTAL_TEST_CRAWL") else 0

        def slowly(rows: int) -> None:
            time.sleep(delay)
            progress(rows)

        self._real().write(book, slowly)
