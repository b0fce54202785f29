from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "lianfang.core.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from . import (
            holdings,  # noqa: F401 (registers what cases hold about people and units)
            workflow,  # noqa: F401 (declares the flows the kinds name)
        )
