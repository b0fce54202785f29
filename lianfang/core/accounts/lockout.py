"""Lockout: per account and address (django-axes: AXES_FAILURE_LIMIT failures), and per address
alone (LIANFANG_LOCKOUT_PER_ADDRESS failures within an hour, whichever accounts they tried), so
that one address cannot try a password against every account.

The per-address count reads axes' failure log (AXES_ENABLE_ACCESS_FAILURE_LOG), which keeps each
failure with its time; the same check guards the sign-in page and the API's token endpoint,
because axes asks it for both.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone

ADDRESS_WINDOW = timedelta(hours=1)


def address_failures(address: str | None) -> int:
    """Failed sign-ins from this address within the last hour, whatever the account."""
    if not address:
        return 0
    since = timezone.now() - ADDRESS_WINDOW
    return AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since).count()


class AccountAndAddressLockout(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The failures axes weighs against AXES_FAILURE_LIMIT, both before a sign-in is tried and
        after one fails: the account's from this address, or the whole limit once the address has
        reached its own."""
        failures = int(super().get_failures(request, credentials))
        address = getattr(request, "axes_ip_address", None)
        if address_failures(address) >= settings.LIANFANG_LOCKOUT_PER_ADDRESS:
            return max(failures, int(settings.AXES_FAILURE_LIMIT))
        return failures
