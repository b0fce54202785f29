from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "lianfang.core.ledgers"
    label = "ledgers"
    verbose_name = _("Excel ledgers")
