"""The ledgers' menu entry: staff bring people and organisations in and out; the system
administrator the regions, departments and accounts."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.permissions import is_registry_admin
from lianfang.core.navigation import REGISTRY, MenuItem, register
from lianfang.core.regions.models import Role

register(
    MenuItem(
        "ledgers.import",
        REGISTRY,
        _("Ledgers"),
        "ledgers:import",
        lambda v: v.has(Role.COMMANDER, Role.DEPARTMENT_STAFF, Role.SUBDISTRICT_STAFF) or is_registry_admin(v.user),
        30,
    )
)
