"""How the audit log names what the bulletin's services write (its transitions come from flows.py)."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import register_actions, register_record_types, register_system_actor

from .models import Bulletin

register_actions(
    "command",
    {
        "bulletin.draft": _("Draft a bulletin issue"),
        "bulletin.edit": _("Edit a bulletin issue"),
        "bulletin.discard": _("Discard a bulletin draft"),
        "bulletin.export": _("Export a bulletin issue"),
        "bulletin.sensitive_rows": _("View the sensitive rows behind a bulletin figure"),
    },
)
register_record_types(Bulletin)
register_system_actor("system:bulletin", _("the bulletin command"))
register_system_actor("system:command_demo", _("the demo's loader"))
