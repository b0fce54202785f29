"""Identity and mobile numbers for the benchmarks that register people, drawn where nothing else
draws: a generated number never equals another one, nor a demo person's.

The demo registers people with resident IDs of this district (area code 410106) and mobiles
beginning 13, 15, 17 or 18. Each benchmark here owns an area code of another district and a
mobile prefix of its own (see SERIES), and its n-th number is worked out from n alone: a birth
day (one every thousand numbers) and a serial, so two different n never give the same number.
Like the harness, this never imports Django (the check digit is worked out here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
DEMO_AREA = "410106"
DEMO_MOBILE_PREFIXES = ("13", "15", "17", "18")
FIRST_BORN = dt.date(1950, 1, 1)
# 20,000 birth days from 1950 on: the last in 2004, so that no generated person is a minor
# (minors are hidden from most roles, and a lookup would not find them).
LIMIT = 20_000_000


@dataclass(frozen=True)
class Series:
    """One benchmark's numbers: an area code and a mobile prefix that nothing else uses."""

    area: str
    mobile_prefix: str

    def __post_init__(self) -> None:
        if self.area == DEMO_AREA or self.mobile_prefix.startswith(DEMO_MOBILE_PREFIXES):
            raise ValueError(f"{self} would draw from the demo's numbers")

    def resident_id(self, n: int) -> str:
        """The n-th resident ID number (GB 11643, with its check digit)."""
        if not 0 <= n < LIMIT:
            raise ValueError(f"only {LIMIT} numbers in a series")
        born = FIRST_BORN + dt.timedelta(days=n // 1000)
        first17 = f"{self.area}{born:%Y%m%d}{n % 1000:03d}"
        return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]

    def mobile(self, n: int) -> str:
        """The n-th mobile number."""
        if not 0 <= n < LIMIT:
            raise ValueError(f"only {LIMIT} numbers in a series")
        return f"{self.mobile_prefix}{n:08d}"


# One series per benchmark: within one run of `python -m bench` they share the database.
SERIES = {
    "people-create": Series(area="410102", mobile_prefix="199"),  # 中原区; 199
    "people-import": Series(area="410103", mobile_prefix="166"),  # 二七区; 166
    "cluster-import": Series(area="410104", mobile_prefix="168"),  # 管城区; 168 (tests/cluster)
}
