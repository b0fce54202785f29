"""How the audit log names what the units app writes: one record per organisation (一企一档)."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import lazy_format, register_actions, register_record_types

from .models import Unit, UnitProfile

register_actions(
    "units",
    {
        "unit.register": _("Register an organisation"),
        "unit.create": _("Create an organisation record"),
        "unit.update": _("Change an organisation record"),
        "api.units": lazy_format(_("API: %(what)s"), what=Unit._meta.verbose_name_plural),
    },
)
register_record_types(Unit, UnitProfile)
