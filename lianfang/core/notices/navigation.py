"""The notices' menu entry: everyone who takes part in the work (not the system administrator)."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import NOTICES, MenuItem, register
from lianfang.core.regions.models import Role

register(
    MenuItem(
        "notices.index",
        NOTICES,
        _("Notices"),
        "notices:index",
        lambda v: v.writes or v.has(Role.AUDITOR),
        10,
        testid="nav-notices",
    )
)
