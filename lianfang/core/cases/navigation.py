"""The cases' menu entries: what waits for me, reporting, the list."""

from django.utils.translation import gettext_lazy as _

from lianfang.core.navigation import WORK, MenuItem, Viewer, register
from lianfang.core.regions.models import Role


def _reads_cases(viewer: Viewer) -> bool:
    return viewer.staff or viewer.has(Role.AUDITOR)


register(
    # Unit contacts too: cases handed to their organisation (a resource request) wait for them.
    MenuItem("cases.mine", WORK, _("My work"), "cases:mine", shown=lambda v: v.writes, order=10, testid="nav-my-work"),
    # Whoever may report (unit contacts report their organisation's problems) follows their reports.
    MenuItem(
        "cases.reported",
        WORK,
        _("Reported by me"),
        "cases:reported",
        shown=lambda v: v.writes,
        order=15,
        testid="nav-reported",
    ),
    MenuItem("cases.new", WORK, _("Report a case"), "cases:new", shown=lambda v: v.staff, order=20),
    MenuItem("cases.index", WORK, _("Cases"), "cases:index", shown=_reads_cases, order=30),
)
