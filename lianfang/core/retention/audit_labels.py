"""How the audit log names the runs of the retention periods, and who makes them."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import register_actions, register_system_actor

register_actions(
    "retention",
    {
        "retention.apply": _("Retire personal data whose retention period ended"),
        "retention.dry_run": _("Count the personal data due for retirement (dry run)"),
    },
)
register_system_actor("system:retention", _("the retention periods"))
