"""The care practice's menu entry: everyone who knocks on doors or keeps the care work (the
commander, subdistrict staff, field workers: community workers, sent-down cadres, volunteers with
an account) and 区民政局."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import PRACTICES, MenuItem, Viewer, register
from lianfang.core.regions.models import Department, Role


def _does_care_work(viewer: Viewer) -> bool:
    if viewer.has(Role.COMMANDER, Role.SUBDISTRICT_STAFF, Role.FIELD_WORKER):
        return True
    departments = {g.department_id for g in viewer.scope.grants if g.role == Role.DEPARTMENT_STAFF}
    return (
        bool(departments) and Department.objects.filter(pk__in=departments, code=settings.CARE_CIVIL_AFFAIRS).exists()
    )


register(
    MenuItem(
        key="care.index",
        group=PRACTICES,
        label=_("Door-knocking and warm service"),
        url="care:index",
        shown=_does_care_work,
        order=20,
    )
)
