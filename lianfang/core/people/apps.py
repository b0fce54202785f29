from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "lianfang.core.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        # A deleted record that named a person starts their retention period (retention.py).
        from .retention import connect

        connect()
