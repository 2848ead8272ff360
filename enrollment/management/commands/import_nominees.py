"""python manage.py import_nominees COURSE FILE.xlsx: the same checks and seat rules as the
web import; prints every error and exits 1 when any row is wrong (nothing is saved then).

Rows for existing accounts with another name or unit are printed too; the command stops
without saving unless --keep-existing-profiles says to register them with their accounts'
own profiles."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from courses.models import Course
from enrollment.imports import check_upload, read_rows
from enrollment.services.nominees import (
    ExistingProfiles,
    NomineeErrors,
    column_label,
    nominees_check,
    nominees_import,
    nominees_profiles_kept,
)

KEEP_FLAG = "--keep-existing-profiles"


class Command(BaseCommand):
    help = "Register the nominees listed in a spreadsheet (the template's columns) for a course."

    def add_arguments(self, parser):
        parser.add_argument("course", type=int, help="the course id")
        parser.add_argument("file", type=Path, help="the .xlsx file")
        parser.add_argument(
            KEEP_FLAG,
            action="store_true",
            help="register rows for existing accounts whose name or unit differ with the "
            "accounts' own profiles (without it, such rows stop the import)",
        )

    def handle(self, *args, course: int, file: Path, keep_existing_profiles: bool, **options):
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
            if keep_existing_profiles:
                self._report_kept(course_obj, data)
            _total, rows = read_rows(data)
            registrations = nominees_import(
                course=course_obj,
                by=None,
                rows=rows,
                keep_existing_profiles=keep_existing_profiles,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except ExistingProfiles as exc:
            self._write_kept(exc.kept, self.stderr)
            raise CommandError(
                f"{len(exc.kept)} rows are for existing accounts whose name or unit differ "
                "from the file; nothing was imported. Correct the file, or run again with "
                f"{KEEP_FLAG} to register them with their accounts' own profiles."
            ) from None
        except NomineeErrors as exc:
            for error in exc.errors:
                column = column_label(error.column)
                where = f"row {error.row}" + (f", {column}" if column else "")
                self.stderr.write(f"{where}: {error.message}")
            self._write_kept(exc.kept, self.stderr)
            raise CommandError(f"{len(exc.errors)} errors; nothing was imported.") from None
        counts: dict[str, int] = {}
        for registration in registrations:
            counts[registration.status] = counts.get(registration.status, 0) + 1
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Imported {len(registrations)} ({summary})."))

    def _report_kept(self, course: Course, data: bytes) -> None:
        """With the flag, the rows it applies to are still shown before the import."""
        _total, rows = read_rows(data)
        nominees, errors = nominees_check(course=course, rows=rows)
        if not errors:
            self._write_kept(nominees_profiles_kept(nominees), self.stdout)

    @staticmethod
    def _write_kept(kept, stream) -> None:
        for each in kept:
            stream.write(f"row {each.row}: {each.message}")
