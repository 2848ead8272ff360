"""Write an attendance spreadsheet from the command line, for scripts and cron:

manage.py export_attendance COURSE -o FILE.xlsx            (a course's attendance sheet)
manage.py export_attendance --from DATE --to DATE -o FILE.xlsx   (across courses)
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from exports.registry import exporter_get
from exports.writer import SafeWorkbook

COURSE_SHEETS = {
    "attendance": "attendance.sheet",
    "registrations": "attendance.registrations",
    "signin": "attendance.signin",
}


class Command(BaseCommand):
    help = "Write a course's attendance sheet, or attendance across courses, to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("course", nargs="?", type=int, help="the course id")
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD")
        parser.add_argument("--region", default="", help="region code, e.g. 44")
        parser.add_argument("--type", dest="organisation_type", default="")
        parser.add_argument(
            "--sheet", choices=sorted(COURSE_SHEETS), default="attendance", help="for a course"
        )
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)

    def handle(self, *args, **options):
        if options["course"]:
            name = COURSE_SHEETS[options["sheet"]]
            data = {"course": str(options["course"])}
        elif options["date_from"] and options["date_to"]:
            name = "attendance.cross_course"
            data = {
                "date_from": options["date_from"],
                "date_to": options["date_to"],
                "organisation_type": options["organisation_type"],
            }
            if options["region"]:
                from accounts.models import Region

                region = Region.objects.filter(code=options["region"]).first()
                if region is None:
                    raise CommandError(f"unknown region code {options['region']!r}")
                data["region"] = str(region.pk)
        else:
            raise CommandError("give a course id, or --from and --to")
        with translation.override(options["language"]):
            exporter_class = exporter_get(name)
            try:
                exporter = exporter_class(exporter_class.clean_params(data))
                exporter.check()
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            book = SafeWorkbook(time_zone=exporter.time_zone())
            written = {"rows": 0}

            def progress(rows: int) -> None:
                written["rows"] = rows

            exporter.write(book, progress)
            book.save(options["output"])
        self.stdout.write(f"{written['rows']} rows written to {options['output']}")
