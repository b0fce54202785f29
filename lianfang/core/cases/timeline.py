"""Writing a case's timeline: one CaseEvent row for each thing that happens to it (reported,
a status change, a comment, evidence, an assignment, a reminder). Read by selectors.case_timeline."""

from __future__ import annotations

from typing import Any

from lianfang.core.accounts.actors import Actor, acting_user, shown_name
from lianfang.core.prepared import PreparedInsert

from .models import Case, CaseEvent

# Every step of every case writes one: the statement is built once (lianfang.core.prepared).
_insert_event = PreparedInsert(CaseEvent)


def event_add(case: Case, *, actor: Actor, kind: str, note: str = "", **fields: Any) -> CaseEvent:
    """A timeline row that the caller answers with (a comment, an attachment's event)."""
    event = CaseEvent(case=case, actor=acting_user(actor), actor_name=shown_name(actor), kind=kind, note=note, **fields)
    _insert_event(event)
    return event


def event_row(case: Case, *, actor: Actor, kind: str, note: str = "", **fields: Any) -> None:
    """A timeline row nobody reads back at once (a report, a transition): written from its values."""
    user = acting_user(actor)
    row = {
        "case_id": case.pk,
        "actor_id": user.pk if user is not None else None,
        "actor_name": shown_name(actor),
        "kind": kind,
        "note": note,
    }
    _insert_event.row({**row, **fields})
