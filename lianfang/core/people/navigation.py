"""The people registry's menu entries: staff (a field worker: his community's people) and auditors;
the registrations to confirm for the staff of a jurisdiction."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import REGISTRY, MenuItem, register
from lianfang.core.regions.models import Role

register(MenuItem("people.index", REGISTRY, _("People"), "people:index", lambda v: v.staff or v.has(Role.AUDITOR), 10))
# Registrations of people on file here, made where the registrant may not see the record.
register(
    MenuItem(
        "people.pending",
        REGISTRY,
        _("Registrations to confirm"),
        "people:pending",
        lambda v: v.has(Role.COMMANDER, Role.SUBDISTRICT_STAFF),
        11,
    )
)
