"""How the audit log names the figures' API (whose refusals it records)."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.audit.labels import lazy_format, register_actions

register_actions(
    "figures",
    {
        "api.figures.list": lazy_format(_("API: %(what)s"), what=_("Figures")),
        "api.figures.rows": lazy_format(_("API: %(what)s"), what=_("rows behind a figure")),
    },
)
