"""What every page's frame needs: the menus this user is shown, and the unread count."""

from functools import partial
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lianfang.core.navigation import menus_for
from lianfang.core.notices.selectors import notification_unread_count

from .permissions import needs_second_factor


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        # Worked out only where the template draws them.
        "nav_menus": partial(menus_for, user) if signed_in else list,
        "nav_second_factor": signed_in and needs_second_factor(user),
        # Called by the template only where the badge is drawn: one count per page.
        "nav_unread": partial(notification_unread_count, user) if signed_in else 0,
        # The bell asks again for its count this often (paused while the tab is hidden: static/js/bell.js).
        "nav_bell_poll_seconds": settings.BELL_POLL_SECONDS,
    }
