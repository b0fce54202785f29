"""The command view's menu entries: the figures for the commander, the bureaus and subdistricts and
the auditors; the bulletin for its editors (the bulletin office and the commander)."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import COMMAND, MenuItem, register
from lianfang.core.regions.models import Role

from .permissions import is_bulletin_editor

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
register(
    MenuItem(
        "command.bulletins",
        COMMAND,
        _("Bulletin (上街信息)"),
        "command:bulletins",
        lambda v: is_bulletin_editor(v.user),
        20,
    )
)
