"""The calendar's menu entries: the calendar for the district's administrators, the epidemic
period for the commander."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.permissions import is_registry_admin
from lianfang.core.navigation import ADMINISTRATION, COMMAND, MenuItem, register
from lianfang.core.regions.models import Role

register(
    MenuItem("menu.calendar", ADMINISTRATION, _("Calendar"), "calendar:index", lambda v: is_registry_admin(v.user), 30),
    MenuItem("menu.epidemic", COMMAND, _("Epidemic period"), "calendar:epidemic", lambda v: v.has(Role.COMMANDER), 20),
)
