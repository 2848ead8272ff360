from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from certificates import demo as certificates_demo
        from certificates import personal_data  # noqa: F401 - registers its part of "my data"
        from portal import demo

        demo.register("certificates", certificates_demo.seed, after=["attendance", "feedback"])
