from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = _("Attendance")

    def ready(self) -> None:
        from attendance import demo as attendance_demo
        from attendance import (
            exporters,  # noqa: F401 - registers the attendance exporters
            personal_data,  # noqa: F401 - registers its part of "my data"
        )
        from portal import demo

        demo.register("attendance", attendance_demo.seed, after=["enrollment"])
