"""The Django admin, in Chinese, for system administrators who have passed TOTP."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from .permissions import is_registry_admin


class LianfangAdminSite(OTPAdminSite):
    site_header = _("Lianfang administration")
    site_title = _("Lianfang")
    index_title = _("Registries and accounts")

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(is_registry_admin(user) and user.is_verified())


admin_site = LianfangAdminSite(name="admin")
