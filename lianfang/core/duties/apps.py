from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "lianfang.core.duties"
    label = "duties"
    verbose_name = _("Duties")

    def ready(self) -> None:
        # Every practice declares the duties it owes in its own duties.py.
        autodiscover_modules("duties")
