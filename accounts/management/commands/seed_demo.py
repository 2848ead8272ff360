from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = (
        "Load the demo data (the two courses of the domain notes and their trainees). Idempotent."
    )

    def add_arguments(self, parser):
        # The apps offer the options (portal.demo.register_option), e.g. --course-a-over.
        for option in demo.option_list():
            parser.add_argument(option.flag, action="store_true", help=option.help)

    def handle(self, *args, **options):
        # Each app registers its step in its AppConfig.ready(); they run in dependency order.
        demo.demo_seed(stdout=self.stdout)
        chosen = [option for option in demo.option_list() if options[option.dest]]
        for option in chosen:
            option.run(stdout=self.stdout)
        if chosen:
            demo.demo_seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
