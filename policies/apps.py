from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policy documents")

    def ready(self) -> None:
        from policies import demo as policies_demo
        from portal import demo

        demo.register("policies", policies_demo.seed, after=["accounts"])
