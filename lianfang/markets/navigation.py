"""The markets' menu entry: the commander, the subdistricts, the bureau that supervises the shops
and its inspectors."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import PRACTICES, MenuItem, Viewer, register
from lianfang.core.regions.models import Department, Role
from lianfang.core.units.models import SHOP_KINDS


def _serves_markets(viewer: Viewer) -> bool:
    if viewer.has(Role.COMMANDER, Role.SUBDISTRICT_STAFF):
        return True
    departments = {g.department_id for g in viewer.scope.grants if g.role == Role.DEPARTMENT_STAFF}
    if not departments:
        return False
    kinds = set(SHOP_KINDS)
    return any(
        kinds & set(s or []) for s in Department.objects.filter(pk__in=departments).values_list("supervises", flat=True)
    )


register(MenuItem("markets.index", PRACTICES, _("Red and black flags"), "markets:index", _serves_markets, 40))
