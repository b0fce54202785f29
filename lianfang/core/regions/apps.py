from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "lianfang.core.regions"
    label = "regions"
    verbose_name = _("Jurisdictions")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (scope cache invalidation)
