from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lianfang.core.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # Each app names the actions, record types and system actors it writes in its own
        # audit_labels.py (labels.py); importing registers them. The labels of the apps being
        # reworked in parallel are declared on their behalf until they take them over.
        autodiscover_modules("audit_labels")
        from . import handover_labels  # noqa: F401
