from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from api import (
            schema,  # noqa: F401 - registers the token scheme with the schema
            webhook_payloads,
        )
        from webhooks.events import register_course_organisers, register_resource

        register_resource("course", webhook_payloads.course_payload)
        register_resource("registration", webhook_payloads.registration_payload)
        register_course_organisers(webhook_payloads.course_organisers)
