from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "lianfang.core.retention"
    label = "retention"
    verbose_name = _("Retention of personal data")

    def ready(self) -> None:
        # Each app declares the personal records it keeps, and for how long, in its retention.py.
        autodiscover_modules("retention")
        from .policies import check_settings

        check_settings()
