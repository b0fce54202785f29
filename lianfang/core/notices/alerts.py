"""Alerts on unusual access: one mechanism for every threshold.

A threshold counts audit rows (some actions, with one outcome) by one account or from one address
within a window. When a row takes the count past the limit (a setting), the people who must know
are notified, once per window, and the threshold's follow-up runs (for example: the account must
pass its second factor again). Apps declare their thresholds in their own `alerts.py`:

    register_threshold(Threshold("reveals", _("Many full numbers revealed"), verbs=("person.reveal",),
                                 per=PER_ACCOUNT, window=timedelta(hours=1), limit_setting="LIANFANG_ALERT_REVEALS",
                                 recipients=AUDITORS))

It watches every audit row as it is written (core/audit/rows.on_row_written), so it sees what
the log sees; each watched row costs one count over an index, other rows a dictionary lookup.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.accounts.models import User
from lianfang.core.audit.models import AuditEvent, Outcome
from lianfang.core.audit.services import audit_record
from lianfang.core.regions.models import Membership, Role

from .services import notify

log = logging.getLogger(__name__)

PER_ACCOUNT = "actor_id"
PER_ADDRESS = "ip"
ALERTS = SystemActor("alerts")


def holders_of(role: str) -> Callable[[], list[int]]:
    """The active users holding a role today (auditors, system administrators)."""

    def users() -> list[int]:
        today = timezone.localdate()
        return list(
            Membership.objects.active_on(today)
            .filter(role=role, user__is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )

    return users


AUDITORS = holders_of(Role.AUDITOR)
SYSTEM_ADMINISTRATORS = holders_of(Role.SYSADMIN)


@dataclass(frozen=True)
class Threshold:
    key: str
    label: Promise | str
    verbs: tuple[str, ...]
    per: str  # PER_ACCOUNT or PER_ADDRESS
    window: timedelta
    limit_setting: str  # the setting holding N: more than N rows in the window trip it
    recipients: Callable[[], list[int]]
    outcome: str = Outcome.OK
    # Runs once per window when the threshold trips, with the row that tripped it.
    then: Callable[[dict[str, Any]], None] | None = None

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.limit_setting))


_BY_VERB: dict[str, list[Threshold]] = {}


def register_threshold(threshold: Threshold) -> None:
    for verb in threshold.verbs:
        watched = _BY_VERB.setdefault(verb, [])
        if all(t.key != threshold.key for t in watched):
            watched.append(threshold)


def _subject_text(threshold: Threshold, row: dict[str, Any]) -> str:
    if threshold.per == PER_ADDRESS:
        return str(row.get("ip") or "")
    user = User.objects.filter(pk=int(row["actor_id"])).first()
    return f"{user.full_name or user.username}（{user.username}）" if user else str(row["actor_id"])


def alerts_check(row: dict[str, Any]) -> None:
    """Called with every audit row written; trips the thresholds that watch its action."""
    thresholds = _BY_VERB.get(str(row.get("verb", "")))
    if not thresholds:
        return
    # An alert that cannot be raised must not undo the action it watches: its own savepoint, and
    # the error in the log (with the request's id).
    try:
        with transaction.atomic():
            _check(thresholds, row)
    except Exception:
        log.exception("alert check failed for %s", row.get("verb"))


def _check(thresholds: list[Threshold], row: dict[str, Any]) -> None:
    at = row.get("at") or timezone.now()
    for threshold in thresholds:
        subject = row.get(threshold.per)
        if not subject or row.get("outcome", Outcome.OK) != threshold.outcome:
            continue
        count = AuditEvent.objects.filter(
            **{threshold.per: subject},
            verb__in=threshold.verbs,
            outcome=threshold.outcome,
            at__gt=at - threshold.window,
        ).count()
        if count <= threshold.limit:
            continue
        _trip(threshold, row, subject, count, at)


def _trip(threshold: Threshold, row: dict[str, Any], subject: Any, count: int, at: Any) -> None:
    window = int(threshold.window.total_seconds())
    key = f"alert:{threshold.key}:{subject}:{int(at.timestamp()) // window}"
    who = _subject_text(threshold, row)
    title = _("Alert: %(what)s by %(who)s") % {"what": threshold.label, "who": who}
    body = _("%(count)d times within %(hours)s hours (the limit is %(limit)d).") % {
        "count": count,
        "hours": f"{window / 3600:g}",
        "limit": threshold.limit,
    }
    if not AuditEvent.objects.filter(verb="alert.raised", detail__startswith=f"{key} ").exists():
        audit_record(actor=ALERTS, verb="alert.raised", detail=f"{key} {who} ×{count}"[:500])
        link = f"{reverse('audit:log')}?{urlencode({'verb': threshold.verbs[0]})}"
        notify(users=threshold.recipients(), title=title, body=body, link=link, key=key)
    # The follow-up runs at every row past the limit, not once a window: an account sent back to
    # its second factor is sent back again at its next reveal while the count stays high.
    if threshold.then is not None:
        threshold.then(row)
