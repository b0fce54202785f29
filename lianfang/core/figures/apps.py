from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "lianfang.core.figures"
    label = "figures"
    verbose_name = _("Figures")

    def ready(self) -> None:
        # Each app declares its figures in its own figures.py; importing registers them.
        autodiscover_modules("figures")
        from .rollups import connect

        connect()
