from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Enrollment")

    def ready(self) -> None:
        from courses import enrollment_hooks
        from enrollment.hooks import RegistrationHooks

        enrollment_hooks.register(RegistrationHooks())
