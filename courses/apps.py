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
