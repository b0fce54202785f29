"""The flows of cases, declared on the one engine (lianfang.core.flows). The default flow closes
the loop with a check by someone else:

    提出/上报 reported → 受理 accepted → 办理中 in progress → 已办结 done → 已核实 verified

退回 sends a case back one step with a reason (the verifier to the owner, the owner to the
dispatcher); 重新打开 reopens a closed case with a reason. A kind without verification closes
at 已办结. Whatever is not in a flow's table is refused (InvalidTransition).

Who may take a transition is named by a side (states.Side), decided per case by permissions.py.
What closing needs (an outcome, evidence when the kind asks for it, a practice's own figures) are
the guards of 办结; what a transition changes besides the state are its effects.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.actors import acting_user
from lianfang.core.flows.engine import Flow, Move, Refusal, Transition, register_flow

from .announcements import announce_move
from .kinds import SETTLED, UNVERIFIED, VERIFIED, closing_for, get_kind
from .models import Case, EventKind
from .permissions import sides
from .states import Side, State
from .timeline import event_row

SNAPSHOT_FIELDS = (
    "kind",
    "title",
    "state",
    "is_closed",
    "outcome",
    "owner_department",
    "owner_unit",
    "assignee",
    "deadline",
    "priority",
    "version",
)


# Guards of 办结 ------------------------------------------------------------------------------


def _evidence_attached(move: Move) -> Refusal:
    case: Case = move.record
    if get_kind(case.kind).needs_evidence and not case.attachments.exists():
        return {"evidence": [str(_("Attach a photo or file as evidence before marking the case done."))]}
    return None


def _practice_figures_entered(move: Move) -> Refusal:
    closing = closing_for(move.record.kind)
    return closing.missing(move.record) if closing is not None else None


# Effects -------------------------------------------------------------------------------------


def _record_outcome(move: Move) -> None:
    case: Case = move.record
    case.outcome = str(move.inputs["outcome"]).strip()
    case.done_by = acting_user(move.actor)


def _settled_outcome(move: Move) -> None:
    """What settled the case (the work itself stays credited to whoever marked it done)."""
    move.record.outcome = str(move.inputs["outcome"]).strip()


def _record_verifier(move: Move) -> None:
    move.record.verified_by = acting_user(move.actor)


def _open_or_closed(move: Move) -> None:
    """Every move: closed in the flow's closed state (with the time), open otherwise."""
    case: Case = move.record
    case.is_closed = move.target in move.flow.closed_states
    case.closed_at = timezone.now() if case.is_closed else None
    if not case.is_closed:
        case.verified_by = None


def _announce(move: Move) -> None:
    """Every move: the reporter and the owners hear of those that change whose turn it is."""
    announce_move(move)


def _timeline(move: Move) -> None:
    """A case's status changes go on its own timeline, among its comments and evidence."""
    case: Case = move.record
    event_row(
        case,
        actor=move.actor,
        kind=EventKind.TRANSITION,
        transition=move.transition.name,
        from_state=move.source,
        to_state=move.target,
        note=move.note or (case.outcome if move.transition is FINISH else ""),
    )


def _side_refusal(move: Move, on: frozenset[str]) -> str | None:
    if move.transition.by == Side.VERIFIER and Side.DISPATCHER in on:
        return str(_("The person who did the work cannot also verify it."))
    return None


ACCEPT = Transition("accept", _("Accept"), (State.REPORTED,), State.ACCEPTED, Side.OWNER)
START = Transition("start", _("Start work"), (State.ACCEPTED,), State.IN_PROGRESS, Side.OWNER)
FINISH = Transition(
    "finish",
    _("Mark done"),
    (State.IN_PROGRESS,),
    State.DONE,
    Side.OWNER,
    asks={"outcome": _("Describe the outcome before marking the case done.")},
    guards=(_evidence_attached, _practice_figures_entered),
    effects=(_record_outcome,),
)
RETURN_TO_DISPATCHER = Transition(
    "return_to_dispatcher",
    _("Send back to the dispatcher"),
    (State.ACCEPTED, State.IN_PROGRESS),
    State.REPORTED,
    Side.OWNER,
    needs_reason=True,
)


def _case_flow(key: str, states: tuple[State, ...], *transitions: Transition) -> Flow:
    return register_flow(
        Flow(
            key=key,
            states=states,
            transitions=(ACCEPT, START, FINISH, RETURN_TO_DISPATCHER, *transitions),
            sides=tuple(Side.values),
            sides_of=lambda case, actor: sides(actor, case),
            verb_prefix="case",
            closed_states=(states[-1],),
            snapshot_fields=SNAPSHOT_FIELDS,
            effects=(_open_or_closed, _announce),
            timeline=_timeline,
            side_refusal=_side_refusal,
            noun=_("case"),
        )
    )


VERIFIED_FLOW = _case_flow(
    VERIFIED,
    (State.REPORTED, State.ACCEPTED, State.IN_PROGRESS, State.DONE, State.VERIFIED),
    Transition(
        "verify", _("Verify and close"), (State.DONE,), State.VERIFIED, Side.VERIFIER, effects=(_record_verifier,)
    ),
    Transition(
        "return_to_owner",
        _("Send back to the owner"),
        (State.DONE,),
        State.IN_PROGRESS,
        Side.VERIFIER,
        needs_reason=True,
    ),
    Transition("reopen", _("Reopen"), (State.VERIFIED,), State.IN_PROGRESS, Side.DISPATCHER, needs_reason=True),
)

# Kinds whose owner's word closes the case (no check by someone else).
UNVERIFIED_FLOW = _case_flow(
    UNVERIFIED,
    (State.REPORTED, State.ACCEPTED, State.IN_PROGRESS, State.DONE),
    Transition("reopen", _("Reopen"), (State.DONE,), State.IN_PROGRESS, Side.DISPATCHER, needs_reason=True),
)

# Kinds closed by a later record of their practice (case_settle): a rectification order is closed by
# the inspection that finds it put right, not by anyone's word. The owner still reports the work.
SETTLE = Transition(
    "settle",
    _("Settled by a later record"),
    (State.REPORTED, State.ACCEPTED, State.IN_PROGRESS, State.DONE),
    State.VERIFIED,
    Side.DISPATCHER,
    asks={"outcome": _("Say what settled the case.")},
    effects=(_settled_outcome, _record_verifier),
    automatic=True,
)
SETTLED_FLOW = _case_flow(
    SETTLED,
    (State.REPORTED, State.ACCEPTED, State.IN_PROGRESS, State.DONE, State.VERIFIED),
    SETTLE,
)
