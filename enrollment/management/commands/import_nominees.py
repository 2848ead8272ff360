"""python manage.py import_nominees COURSE FILE.xlsx: the same checks and seat rules as the
web import; prints every error and exits 1 when any row is wrong (nothing is saved then)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from enrollment.imports import check_upload, read_rows
from enrollment.services.nominees import NomineeErrors, column_label, nominees_import


class Command(BaseCommand):
    help = "Register the nominees listed in a spreadsheet (the template's columns) for a course."

    def add_arguments(self, parser):
        parser.add_argument("course", type=int, help="the course id")
        parser.add_argument("file", type=Path, help="the .xlsx file")

    def handle(self, *args, course: int, file: Path, **options):
        try:
            course_obj = Course.objects.get(pk=course)
        except Course.DoesNotExist:
            raise CommandError(f"No course with id {course}.") from None
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        try:
            data = check_upload(SimpleUploadedFile(file.name, content))
            _total, rows = read_rows(data)
            registrations = nominees_import(course=course_obj, by=None, rows=rows)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except NomineeErrors as exc:
            for error in exc.errors:
                column = column_label(error.column)
                where = f"row {error.row}" + (f", {column}" if column else "")
                self.stderr.write(f"{where}: {error.message}")
            raise CommandError(f"{len(exc.errors)} errors; nothing was imported.") from None
        counts: dict[str, int] = {}
        for registration in registrations:
            counts[registration.status] = counts.get(registration.status, 0) + 1
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Imported {len(registrations)} ({summary})."))
