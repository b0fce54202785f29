"""Lockout: per account and address (django-axes: AXES_FAILURE_LIMIT failures), and per address
alone (LIANFANG_LOCKOUT_PER_ADDRESS failures within an hour, whichever accounts they tried), so
that one address cannot try a password against every account. Accounts that signed in from that
address in the last 30 days (axes' access log) are spared the address's lockout, so that one
person behind a shared office or carrier address cannot lock everyone else there out. An IPv6
address is counted with the rest of its /64.

The per-address count reads axes' failure log (AXES_ENABLE_ACCESS_FAILURE_LOG), which keeps each
failure with its time; the same check guards the sign-in page and the API's token endpoint,
because axes asks it for both.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone

ADDRESS_WINDOW = timedelta(hours=1)
# An account that signed in from an address within this time is not locked out with the address.
TRUSTED_FOR = timedelta(days=30)


def address_failures(address: str | None) -> int:
    """Failed sign-ins from this address within the last hour, whatever the account. An IPv6
    address counts with its /64: one subscriber is given a whole /64 and may use any address in it."""
    if not address:
        return 0
    since = timezone.now() - ADDRESS_WINDOW
    network = ipv6_network(address)
    if network is None:
        return AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since).count()
    # Stored addresses are written in one form, but a /64 is no prefix of that text: the hour's
    # IPv6 failures are read and matched (they are few but for an attack, which this is for).
    recent = AccessFailureLog.objects.filter(attempt_time__gte=since, ip_address__contains=":")
    return sum(1 for other in recent.values_list("ip_address", flat=True).iterator() if in_network(other, network))


def ipv6_network(address: str) -> ipaddress.IPv6Network | None:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if not isinstance(parsed, ipaddress.IPv6Address) or parsed.ipv4_mapped is not None:
        return None
    return ipaddress.IPv6Network((parsed, 64), strict=False)


def in_network(address: str | None, network: ipaddress.IPv6Network) -> bool:
    try:
        return ipaddress.ip_address(address or "") in network
    except ValueError:
        return False


def signed_in_from(username: str | None, address: str | None) -> bool:
    """Whether this account signed in successfully from this address within TRUSTED_FOR."""
    if not username or not address:
        return False
    since = timezone.now() - TRUSTED_FOR
    return AccessLog.objects.filter(username=username, ip_address=address, attempt_time__gte=since).exists()


class AccountAndAddressLockout(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The failures axes weighs against AXES_FAILURE_LIMIT, both before a sign-in is tried and
        after one fails: the account's from this address, or the whole limit once the address has
        reached its own. An account that has signed in from the address before keeps its own
        count there: one person behind an office's shared address cannot lock out the office."""
        failures = int(super().get_failures(request, credentials))
        address = getattr(request, "axes_ip_address", None)
        if address_failures(address) >= settings.LIANFANG_LOCKOUT_PER_ADDRESS and not signed_in_from(
            get_client_username(request, credentials), address
        ):
            return max(failures, int(settings.AXES_FAILURE_LIMIT))
        return failures
