"""The volunteers' menu entry: for those who organise them, and enterprises that send them."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import PRACTICES, MenuItem, Viewer, register
from lianfang.core.regions.models import Role
from lianfang.core.units.models import UnitKind

from .permissions import ORGANISING_ROLES


def _works_with_volunteers(viewer: Viewer) -> bool:
    if viewer.has(Role.COMMANDER, *ORGANISING_ROLES):
        return True
    return viewer.contact_of(UnitKind.ENTERPRISE)


register(MenuItem("volunteers.index", PRACTICES, _("Volunteers"), "volunteers:index", _works_with_volunteers, 90))
