from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "lianfang.care"
    label = "care"
    verbose_name = _("Door-knocking and warm service (敲门行动+暖心服务)")

    def ready(self) -> None:
        from lianfang.core.people.rotation import register_rotation

        from . import duties, flows, ledger  # noqa: F401  (the flows, duties and ledger register themselves)
        from .relief import accounts_rotate

        register_rotation("relief bank accounts", accounts_rotate)
