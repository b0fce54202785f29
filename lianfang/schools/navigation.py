"""The schools' menu entry: the commander, the education bureau, the subdistricts, and the
schools' teachers (contacts of a school)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import PRACTICES, MenuItem, Viewer, register
from lianfang.core.regions.models import Department, Role
from lianfang.core.units.models import UnitKind


def _serves_schools(viewer: Viewer) -> bool:
    if viewer.has(Role.COMMANDER, Role.SUBDISTRICT_STAFF) or viewer.contact_of(UnitKind.SCHOOL):
        return True
    departments = {g.department_id for g in viewer.scope.grants if g.role == Role.DEPARTMENT_STAFF}
    if not departments:
        return False
    # The education bureau, and the disease control department told of cluster alerts.
    return any(
        UnitKind.SCHOOL in (kinds or []) or code == settings.LIANFANG_DISEASE_CONTROL
        for code, kinds in Department.objects.filter(pk__in=departments).values_list("code", "supervises")
    )


register(MenuItem("schools.index", PRACTICES, _("Schools"), "schools:index", _serves_schools, 50))
