from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Questions")

    def ready(self) -> None:
        from portal import demo
        from questions import demo as questions_demo
        from questions import (
            exporters,  # noqa: F401 - registers the questions export
            personal_data,  # noqa: F401 - registers its part of "my data"
        )

        demo.register("questions", questions_demo.seed, after=["enrollment"])
