from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketsConfig(AppConfig):
    name = "lianfang.markets"
    label = "markets"
    verbose_name = _("Markets (District Market Supervision Bureau)")

    def ready(self) -> None:
        from . import (
            case_kinds,  # noqa: F401 (rectification orders and reviews on the case engine)
            duties,  # noqa: F401 (每日最少过一遍 on core/duties)
            states,  # noqa: F401 (the shop's flow)
        )
