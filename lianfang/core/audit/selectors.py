"""Reading the audit log: auditors (and the commander) within their jurisdiction.

Rows come with their actor's account joined (one query for a page, not one per row); the labels
of actions, record types and system actors are in memory (labels.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.models import User
from lianfang.core.regions.models import LEVEL_PREFIX_LENGTH, Membership, RegionLevel, Role
from lianfang.core.regions.scoping import Scope, scope_for

from .labels import system_actors_matching
from .models import AuditEvent, AuditSeal

DISTRICT_PREFIX = LEVEL_PREFIX_LENGTH[RegionLevel.DISTRICT]
# Newest first. The time leads, so that audit_actor_at_idx (actor, at) serves "this person's
# actions in a period" in its order; the id breaks ties between rows of the same microsecond.
NEWEST_FIRST = ("-at", "-id")
# What a page of the log shows of the actor's account (not the password hash, nor the dates).
ACTOR_FIELDS = ("actor__username", "actor__full_name")


@dataclass(frozen=True)
class AuditFilters:
    actor: User | None = None  # one account, chosen
    person: str = ""  # or part of a name, looked for among the accounts and the system actors
    verb: str | None = None
    outcome: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    start: dt.date | None = None  # the period: days in Asia/Shanghai, both included
    end: dt.date | None = None

    @property
    def starts_at(self) -> dt.datetime | None:
        return None if self.start is None else timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def ends_before(self) -> dt.datetime | None:
        """The first instant after the period's last day."""
        if self.end is None:
            return None
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))


def _audit_scope(user: Any) -> Scope:
    scope = scope_for(user)
    if not scope.can_read_audit:
        raise PermissionDenied(_("Only auditors may read the audit log."))
    return scope


def _reads_the_district(scope: Scope) -> bool:
    return scope.sees_everything or any(
        g.role == Role.AUDITOR and len(g.region_prefix) <= DISTRICT_PREFIX for g in scope.grants
    )


def audit_event_list(user: Any) -> QuerySet[AuditEvent]:
    """The rows the user may read, newest first, each with its actor's name."""
    scope = _audit_scope(user)
    events = scope.filter(AuditEvent.objects.all())
    # Sign-ins, lockouts and recoveries belong to no region: the district's auditors review them.
    if _reads_the_district(scope):
        events = events | AuditEvent.objects.filter(region_code="")
    return _with_actors(events).order_by(*NEWEST_FIRST)


def audit_event_search(user: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The rows the user may read that match the filters, newest first."""
    events = audit_event_list(user)
    if filters.actor is not None:
        events = events.filter(actor=filters.actor)
    elif filters.person:
        events = events.filter(_person_q(user, filters.person))
    if filters.verb:
        events = events.filter(verb=filters.verb)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    if filters.starts_at is not None:
        events = events.filter(at__gte=filters.starts_at)
    if filters.ends_before is not None:
        events = events.filter(at__lt=filters.ends_before)
    return events


def _person_q(user: Any, text: str) -> Q:
    """Rows by the accounts whose name contains `text`, by the system actors called so, and rows
    without an account under that very name (the name typed at a failed sign-in)."""
    accounts = audit_accounts_matching(user, text).values("pk")
    condition = Q(actor__in=accounts) | Q(actor__isnull=True, actor_name=text)
    system = system_actors_matching(text)
    if system:
        condition |= Q(actor__isnull=True, actor_name__in=system)
    return condition


def audit_accounts(user: Any) -> QuerySet[User]:
    """The accounts whose actions the user may look up: those serving in the user's jurisdiction
    (every account, for the commander and the district's auditors)."""
    scope = _audit_scope(user)
    if _reads_the_district(scope):
        return User.objects.all()
    memberships = scope.filter(Membership.objects.all(), {"region": "region"})
    return User.objects.filter(pk__in=memberships.values("user_id"))


def audit_accounts_matching(user: Any, text: str) -> QuerySet[User]:
    """Accounts in the user's reach whose full name or user name contains `text`."""
    return audit_accounts(user).filter(Q(full_name__icontains=text) | Q(username__icontains=text))


def record_history(record: models.Model) -> QuerySet[AuditEvent]:
    """Who changed a record and when: for the record's own page, shown to those who may see it."""
    events = AuditEvent.objects.filter(target_type=record._meta.label_lower, target_id=str(record.pk))
    return _with_actors(events).order_by("-id")


def _with_actors(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    # The actor's name is read for every row shown: joined, not fetched row by row.
    return events.select_related("actor").only(*(f.name for f in AuditEvent._meta.concrete_fields), *ACTOR_FIELDS)


# How far before the newest seal a row may have been written and still be sealed after it: a
# transaction that commits late. The sequencer and audit_verify use it too.
SEAL_GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class SealingLag:
    """How far the sequencer is behind: rows waiting, the oldest one's age, and how many of them
    have waited longer than AUDIT_SEAL_MAX_LAG."""

    waiting: int
    oldest_seconds: int
    overdue: int

    @property
    def late(self) -> bool:
        return self.overdue > 0


def sealing_lag() -> SealingLag:
    """One query, over the rows since the newest seal (less the grace) only, by the index on the
    time: the audit log and the admin index ask it on every view, and the table grows without
    end. Older unsealed rows are not waiting for the sequencer (it never takes them): audit_verify
    reports them as inserted."""
    now = timezone.now()
    waiting = AuditEvent.objects.filter(seal__isnull=True)
    newest = AuditSeal.objects.order_by("-seq").values_list("sealed_at", flat=True).first()
    if newest is not None:
        waiting = waiting.filter(at__gte=newest - SEAL_GRACE)
    limit = now - timedelta(seconds=settings.AUDIT_SEAL_MAX_LAG)
    found = waiting.aggregate(n=Count("id"), oldest=Min("at"), overdue=Count("id", filter=Q(at__lt=limit)))
    if not found["n"]:
        return SealingLag(0, 0, 0)
    return SealingLag(
        waiting=found["n"],
        oldest_seconds=max(0, int((now - found["oldest"]).total_seconds())),
        overdue=found["overdue"],
    )
