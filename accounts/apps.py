from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import demo as accounts_demo
        from accounts import (
            exporters,  # noqa: F401 - registers the exporters
            personal_data,  # noqa: F401 - registers its part of "my data"
        )
        from portal import demo

        demo.register("accounts", accounts_demo.seed)
