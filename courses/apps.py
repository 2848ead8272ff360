from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # The library learns about reading packs through its hooks (it never imports courses).
        from courses.selectors import course_links_for_document, registered_document_ids
        from policies import hooks

        hooks.register_registration_provider(registered_document_ids)
        hooks.register_course_links_provider(course_links_for_document)

        from courses.caching import connect_signals

        connect_signals()

        from courses import demo as courses_demo
        from portal import demo

        demo.register("courses", courses_demo.seed, after=["accounts", "policies"])
        demo.register_option(
            "--course-a-over", help=courses_demo.COURSE_A_OVER_HELP, run=courses_demo.course_a_over
        )
