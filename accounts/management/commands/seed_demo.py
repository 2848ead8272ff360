from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the demo data (the two courses of the domain notes and their trainees). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--course-a-over",
            action="store_true",
            help="Move demo course A into the past (its last session ended yesterday) and fill in "
            "what follows it: attendance, the published FAQ and survey responses.",
        )

    def handle(self, *args, **options):
        self._seed_all()
        if options["course_a_over"]:
            days = import_module("courses.demo").move_course_into_past()
            self.stdout.write(f"courses: course A moved {days} days into the past")
            self._seed_all()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))

    def _seed_all(self):
        # Each app that has demo data offers `<app>.demo.seed(stdout=...)`; run them in the order
        # of INSTALLED_APPS, which follows the import direction (accounts before courses...).
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            import_module(module_name).seed(stdout=self.stdout)
