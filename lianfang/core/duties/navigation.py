"""The duties' menu entry: staff, once a practice declares a duty (none is, until then)."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import WORK, MenuItem, register

from .rules import all_duties

register(
    MenuItem(
        "duties.missing", WORK, _("Not yet submitted"), "duties:missing", lambda v: v.writes and bool(all_duties()), 30
    )
)
