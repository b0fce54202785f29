"""Who hears of a case, in their notification list (the bell), and what they read there.

A new report tells the office (or organisation, or person) that must accept it; the moves of the
loop that change whose turn it is (受理, 办结, 退回, 核实, 重新打开) tell the reporter and the
owners. Nobody is told of their own action. Each message has a key naming the case, the move and
the version it moved from, so it reaches each person once (core/notices' notify), even when a
report is resent from a phone or a sweep runs twice.

Called from the one place each happens: case_report (services.py) and the case flows' effects
(workflow.py), so that every kind of case, and every page or API that reports or moves one, gets it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, acting_user, shown_name
from lianfang.core.accounts.models import User
from lianfang.core.audit.labels import shown_actor
from lianfang.core.flows.engine import Move

from .models import Case
from .reminders import deliver, owners_of

# The moves that are announced: each changes whose turn it is, or closes the loop.
ANNOUNCED = frozenset({"accept", "finish", "return_to_dispatcher", "return_to_owner", "verify", "reopen"})


def _others(users: list[User], actor: Actor) -> list[User]:
    me = acting_user(actor)
    seen: set[int] = set()
    others: list[User] = []
    for user in users:
        if (me is not None and user.pk == me.pk) or user.pk in seen:
            continue
        seen.add(user.pk)
        others.append(user)
    return others


def announce_report(case: Case, *, actor: Actor) -> int:
    """Tell the owners of a new case (the office that must accept it) that it has arrived."""
    users = _others(owners_of(case), actor)
    title = _("New case #%(id)s to accept: %(title)s") % {"id": case.pk, "title": case.title}
    body = _("%(kind)s in %(region)s, reported by %(reporter)s.") % {
        "kind": case.kind_label,
        "region": case.region.name,
        "reporter": shown_actor(shown_name(actor)),
    }
    return deliver(case=case, users=users, title=title, body=body, key=f"case:{case.pk}:reported")


def announce_move(move: Move) -> int:
    """A flow effect: tell the reporter and the owners of the case that it moved (not the actor)."""
    if move.transition.name not in ANNOUNCED:
        return 0
    case: Case = move.record
    parties = owners_of(case)
    if case.reporter_id is not None and case.reporter is not None and case.reporter.is_active:
        parties = [case.reporter, *parties]
    users = _others(parties, move.actor)
    title = _("Case #%(id)s %(title)s: %(action)s") % {
        "id": case.pk,
        "title": case.title,
        "action": move.transition.label,
    }
    body = _("%(actor)s: %(action)s. The case is now “%(state)s”.") % {
        "actor": shown_actor(shown_name(move.actor)),
        "action": move.transition.label,
        "state": move.flow.state_label(move.target),
    }
    said = move.note or (str(move.inputs.get("outcome") or "").strip() if move.transition.name == "finish" else "")
    if said:
        body += "\n" + said[:500]
    # The version the case moved from makes each move's key its own (a case may be sent back twice).
    key = f"case:{case.pk}:{move.transition.name}:{case.version}"
    return deliver(case=case, users=users, title=title, body=body, key=key)
