from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the demo data (the two courses of the domain notes and their trainees). Idempotent."
    )

    def handle(self, *args, **options):
        # Each app that has demo data offers `<app>.demo.seed(stdout=...)`; run them in the order
        # of INSTALLED_APPS, which follows the import direction (accounts before courses...).
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            import_module(module_name).seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
