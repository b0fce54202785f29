"""The Django admin, in Chinese, for system administrators who have passed TOTP."""

from typing import Any

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.admin import OTPAdminSite

from lianfang.core.audit.selectors import sealing_lag

from .middleware import second_factor_current
from .permissions import is_registry_admin


class LianfangAdminSite(OTPAdminSite):
    site_header = _("Lianfang administration")
    site_title = _("Lianfang")
    index_title = _("Registries and accounts")
    # The index also says how far the audit sequencer is behind (core/audit/selectors.sealing_lag).
    index_template = "admin/lianfang_index.html"

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        return super().index(request, {**(extra_context or {}), "sealing": sealing_lag()})

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(is_registry_admin(user) and second_factor_current(request))


admin_site = LianfangAdminSite(name="admin")


# Strings of Django's admin templates that its zh_Hans catalogue leaves untranslated (Django 5.2:
# the app list's screen-reader headings), named here so that makemessages carries them into ours,
# which takes precedence.
ADMIN_STRINGS = (gettext_noop("Model name"), gettext_noop("Add link"), gettext_noop("Change or view list link"))
