"""How long each kind of personal record is kept once its purpose ends (PIPL art. 19 and 47).

A practice registers a policy for each kind of personal record it keeps, in its retention.py: what
is retired, from which day the period counts, its default period and the source of that period.
`rows(cutoff)` are the records whose period ended before the cutoff and that are not yet retired;
`retire(rows)` anonymises them in place (counted rows are never deleted, so that no figure of a
closed period moves). A policy without `rows` is kept ("keep"): its record is named here with the
reason, so that the list of personal records is whole.

The period of a policy is `settings.LIANFANG_RETENTION[key]` if set (days, or "keep"), else its
default. docs/data-protection.md lists every policy; a test keeps the two the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise

KEEP = "keep"

Rows = Callable[[dt.date], QuerySet[Any]]  # (cutoff) -> rows due for retirement
Retire = Callable[[QuerySet[Any]], int]  # (rows) -> how many were retired


@dataclass(frozen=True)
class Policy:
    key: str  # "schools.health_checkins"
    label: Promise  # what is retired, in the users' words
    counts_from: Promise  # the day the period counts from
    default: int | str  # days, or KEEP
    source: Promise  # where the period comes from
    retires: Promise | str = ""  # what retirement erases, and what it keeps
    rows: Rows | None = None
    retire: Retire | None = None

    @property
    def days(self) -> int | None:
        """The period in days from settings or the default; None where the record is kept."""
        chosen = settings.LIANFANG_RETENTION.get(self.key, self.default)
        if chosen == KEEP:
            return None
        if not isinstance(chosen, int) or chosen < 1:
            raise ImproperlyConfigured(f"LIANFANG_RETENTION[{self.key!r}] is a number of days or 'keep': {chosen!r}")
        return chosen

    def cutoff(self, today: dt.date) -> dt.date | None:
        """Records whose period ended before this day are retired; None where they are kept."""
        days = self.days
        if days is None or self.rows is None:
            return None
        return today - dt.timedelta(days=days)


def start_of(day: dt.date) -> dt.datetime:
    """The first instant of a day in the district's time, for policies that count from a time."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


_POLICIES: dict[str, Policy] = {}


def register_policy(policy: Policy) -> Policy:
    if policy.key in _POLICIES:
        raise ImproperlyConfigured(f"Retention policy {policy.key} is registered twice.")
    if (policy.rows is None) != (policy.retire is None):
        raise ImproperlyConfigured(f"Retention policy {policy.key} needs both rows and retire, or neither.")
    _POLICIES[policy.key] = policy
    return policy


def check_settings() -> None:
    """A period set for no policy is a misspelling that would leave the default in force: refuse it."""
    unknown = sorted(set(settings.LIANFANG_RETENTION) - set(_POLICIES))
    if unknown:
        known = ", ".join(sorted(_POLICIES))
        raise ImproperlyConfigured(f"LIANFANG_RETENTION names no policy: {', '.join(unknown)} (the policies: {known})")
    for policy in _POLICIES.values():
        policy.days  # noqa: B018 - a bad value raises here, at start-up


def policies() -> list[Policy]:
    return sorted(_POLICIES.values(), key=lambda p: p.key)
