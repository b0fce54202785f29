from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lianfang.core.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # Each app names the actions, record types and system actors it writes in its own
        # audit_labels.py (labels.py); importing registers them.
        autodiscover_modules("audit_labels")
