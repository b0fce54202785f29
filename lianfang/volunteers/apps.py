from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "lianfang.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self) -> None:
        from . import holdings  # noqa: F401 (registers what volunteers hold about people and units)
