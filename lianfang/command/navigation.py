"""The command view's menu entry: the commander, the bureaus and subdistricts, and the auditors."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import COMMAND, MenuItem, register
from lianfang.core.regions.models import Role

register(
    MenuItem(
        "command.figures",
        COMMAND,
        _("District command"),
        "command:figures",
        lambda v: v.has(Role.COMMANDER, Role.DEPARTMENT_STAFF, Role.SUBDISTRICT_STAFF, Role.AUDITOR),
        10,
    )
)
