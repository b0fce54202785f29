from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "lianfang.core.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from lianfang.core.audit.rows import on_row_written

        from .alerts import alerts_check

        # Every app declares the thresholds of unusual access it watches in its own alerts.py.
        autodiscover_modules("alerts")
        on_row_written(alerts_check)
