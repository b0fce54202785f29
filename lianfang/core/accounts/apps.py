from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lianfang.core.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import signals  # noqa: F401  (login audit receivers)

        # Each app declares its menu entries in its own navigation.py (lianfang.core.navigation).
        autodiscover_modules("navigation")
