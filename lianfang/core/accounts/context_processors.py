"""What every page's frame needs: the navigation and who the user is acting as."""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianfang.core.notices.selectors import notification_unread_count
from lianfang.core.regions.scoping import scope_for


@dataclass(frozen=True)
class NavItem:
    label: Promise
    unit: Promise
    app_label: str
    url_name: str

    @property
    def url(self) -> str | None:
        # A practice appears as a link once its app is installed; until then it is shown as coming.
        return reverse(self.url_name) if apps.is_installed(f"lianfang.{self.app_label}") else None


# The seven practices of the bulletin, in its order, and the command view.
NAVIGATION = (
    NavItem(_("Three interactions"), _("Gongyelu Subdistrict"), "enterprises", "enterprises:index"),
    NavItem(_("Door knocking and warm service"), _("Zhongxinlu Subdistrict"), "care", "care:index"),
    NavItem(_("Red and black flags"), _("Market Regulation Bureau"), "markets", "markets:index"),
    NavItem(_("Three lines at sites"), _("Housing and Construction Bureau"), "sites", "sites:index"),
    NavItem(_("Teaching and prevention"), _("Education Bureau"), "schools", "schools:index"),
    NavItem(_("Commerce enterprises"), _("Commerce Bureau"), "commerce", "commerce:index"),
    NavItem(_("Precise supervision"), _("Discipline Inspection Commission"), "supervision", "supervision:index"),
)
COMMAND = NavItem(_("District command"), _("District"), "command", "command:figures")


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "nav_audit": signed_in and scope_for(user).can_read_audit,
        "nav_practices": NAVIGATION,
        "nav_command": COMMAND,
        # Called by the template only where the badge is drawn: one count per page.
        "nav_unread": partial(notification_unread_count, user) if signed_in else 0,
    }
