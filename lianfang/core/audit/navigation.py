"""The audit log's menu entry, and the admin site's for the system administrator."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.permissions import is_registry_admin
from lianfang.core.navigation import ADMINISTRATION, MenuItem, register

register(
    MenuItem("audit.log", ADMINISTRATION, _("Audit log"), "audit:log", lambda v: v.reads_audit, 10),
    MenuItem(
        "admin.index",
        ADMINISTRATION,
        _("System administration"),
        "admin:index",
        lambda v: is_registry_admin(v.user),
        20,
    ),
)
