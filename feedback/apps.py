from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from feedback import demo as feedback_demo
        from feedback import (
            exporters,  # noqa: F401 - registers the feedback export
            personal_data,  # noqa: F401 - registers its part of "my data"
        )
        from portal import demo

        demo.register("feedback", feedback_demo.seed, after=["enrollment"])
