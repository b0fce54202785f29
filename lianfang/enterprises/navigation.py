"""The three interactions' menu entry: for the subdistricts' staff and the enterprises' contacts."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import PRACTICES, MenuItem, Viewer, register
from lianfang.core.regions.models import Role
from lianfang.core.units.models import UnitKind


def _uses_three_interactions(viewer: Viewer) -> bool:
    if viewer.has(Role.COMMANDER, Role.SUBDISTRICT_STAFF):
        return True
    # An organisation's contact, if the organisation is an enterprise (a shop's contact is not).
    return viewer.contact_of(UnitKind.ENTERPRISE)


register(
    MenuItem("enterprises.index", PRACTICES, _("Three interactions"), "enterprises:index", _uses_three_interactions, 10)
)
