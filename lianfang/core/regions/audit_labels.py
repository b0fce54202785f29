"""How the audit log names what the regions app writes: the jurisdiction tree, departments, memberships."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import lazy_format, model_action_labels, register_actions, register_record_types

from .models import Department, Membership, Region

register_actions(
    "regions",
    {
        # Refused before anything is saved; a save is then audited as a creation or a change.
        "region.save": _("Save a region"),
        "department.save": _("Save a department"),
        "membership.save": _("Save a membership"),
        **model_action_labels(Region, ["create", "update"]),
        **model_action_labels(Department, ["create", "update"]),
        **model_action_labels(Membership, ["create", "update"]),
        "api.regions": lazy_format(_("API: %(what)s"), what=Region._meta.verbose_name_plural),
        "api.departments": lazy_format(_("API: %(what)s"), what=Department._meta.verbose_name_plural),
        "api.me": lazy_format(_("API: %(what)s"), what=_("who I am")),
    },
)
register_record_types(Region, Department, Membership)
