from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "lianfang.schools"
    label = "schools"
    verbose_name = _("Schools (District Education Bureau)")

    def ready(self) -> None:
        from lianfang.core.people.always_masked import register_always_masked

        from . import (
            absences,  # noqa: F401 (the absence flow on core/flows)
            case_kinds,  # noqa: F401 (cluster alerts and lesson improvements on the case engine)
            clusters,  # noqa: F401 (the cluster alert's case kind)
            duties,  # noqa: F401 (健康打卡 and 晨午检 on core/duties)
        )
        from .selectors import enrolled_people

        # Students are never exported unmasked (a revealed people ledger masks them all the same).
        register_always_masked(enrolled_people)
