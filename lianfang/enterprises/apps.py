from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "lianfang.enterprises"
    label = "enterprises"
    verbose_name = _("Three interactions (Gongyelu Subdistrict)")

    def ready(self) -> None:
        from . import (
            closing,  # noqa: F401 (the problem kind's closing form and its required figures)
            holdings,  # noqa: F401 (registers what the three interactions hold about people and units)
        )
