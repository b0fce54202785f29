"""The organisations registry's menu entries: the list for staff and auditors, and a contact's own
organisation for the contact."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import REGISTRY, MenuItem, Viewer, register
from lianfang.core.regions.models import Role


def _own(viewer: Viewer) -> str | None:
    return reverse("units:detail", args=[viewer.unit_ids[0]]) if viewer.unit_ids else None


register(
    MenuItem("units.index", REGISTRY, _("Organisations"), "units:index", lambda v: v.staff or v.has(Role.AUDITOR), 20),
    MenuItem("units.own", REGISTRY, _("My organisation"), _own, lambda v: bool(v.unit_ids) and not v.staff, 5),
)
