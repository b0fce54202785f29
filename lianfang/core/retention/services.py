"""Running the retention periods: every policy's records whose period has ended are retired, in one
transaction, and the run is written to the audit log with its counts (never with whom it retired:
the log must not take the names back)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from lianfang.core.accounts.actors import Actor, SystemActor
from lianfang.core.audit.services import audit_record
from lianfang.core.job_locks import hold_job_lock

from .policies import Policy, policies

RETENTION = SystemActor("retention")


@dataclass(frozen=True)
class Outcome:
    policy: Policy
    days: int | None  # None: kept
    cutoff: dt.date | None  # records whose period ended before this day
    rows: int  # due (a dry run) or retired


def retention_run(*, apply: bool, today: dt.date | None = None, actor: Actor = RETENTION) -> list[Outcome]:
    """Retire (or, for a dry run, count) every policy's records whose period ended before its cutoff.

    All or nothing: one transaction, one runner at a time (core/job_locks.py). Each run, the dry
    ones too, writes an audit row with the count of each policy.
    """
    today = today or timezone.localdate()
    outcomes: list[Outcome] = []
    with transaction.atomic():
        hold_job_lock("retention")
        for policy in policies():
            cutoff = policy.cutoff(today)
            rows = 0
            if cutoff is not None and policy.rows is not None and policy.retire is not None:
                due = policy.rows(cutoff)
                rows = policy.retire(due) if apply else due.count()
            outcomes.append(Outcome(policy, policy.days, cutoff, rows))
        counts = {o.policy.key: o.rows for o in outcomes if o.cutoff is not None}
        audit_record(
            actor=actor,
            verb="retention.apply" if apply else "retention.dry_run",
            after={"today": today.isoformat(), "rows": counts},
            detail=", ".join(f"{key} {rows}" for key, rows in counts.items()),
        )
    return outcomes
