from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Enrollment")

    def ready(self) -> None:
        from courses import trainees
        from enrollment import personal_data  # noqa: F401 - registers its part of "my data"
        from enrollment.selectors import course_ids_confirmed_for
        from enrollment.services.notify import course_calendar_make
        from notifications import outbox

        trainees.register(course_ids_confirmed_for)
        outbox.register_attachment_maker("course_calendar", course_calendar_make)

        from enrollment import demo as enrollment_demo
        from enrollment import exporters  # noqa: F401 - registers the enrollment exporters
        from portal import demo

        demo.register("enrollment", enrollment_demo.seed, after=["accounts", "courses"])
