"""States and transitions of cases, kept as data: one table per flow, one flow per kind.

The default flow closes the loop with a check by someone else:

    提出/上报 reported → 受理 accepted → 办理中 in progress → 已办结 done → 已核实 verified

退回 sends a case back one step with a reason (the verifier to the owner, the owner to the
dispatcher); 重新打开 reopens a closed case with a reason. A kind without verification closes
at 已办结. Whatever is not in a flow's table is refused (InvalidTransition).

Who may take a transition is named by a side, decided per case by `permissions.py`:
- owner: whoever the case is assigned to (a person, or staff of the owning department or office);
- dispatcher: staff who answer for the case's region (the subdistrict, or the district commander);
- verifier: a dispatcher who did not do the work, when the kind asks for that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    VERIFIED = "verified", _("Verified")


class Side(models.TextChoices):
    OWNER = "owner", _("owner")
    DISPATCHER = "dispatcher", _("dispatcher")
    VERIFIER = "verifier", _("verifier")


class InvalidTransition(Exception):
    """A transition that the case's kind does not allow from its current state."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise | str
    sources: tuple[str, ...]
    target: str
    side: str
    needs_reason: bool = False
    # A transition into the closing state needs the outcome (and evidence, if the kind says so).
    closes_work: bool = False


@dataclass(frozen=True)
class Flow:
    key: str
    states: tuple[str, ...]
    closed_state: str
    transitions: tuple[Transition, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        seen: set[tuple[str, str]] = set()
        for t in self.transitions:
            if t.target not in self.states or any(s not in self.states for s in t.sources):
                raise ValueError(f"flow {self.key}: transition {t.name} uses a state outside the flow")
            for source in t.sources:
                if (t.name, source) in seen:
                    raise ValueError(f"flow {self.key}: {t.name} twice from {source}")
                seen.add((t.name, source))
        if self.closed_state not in self.states:
            raise ValueError(f"flow {self.key}: closed state {self.closed_state} is not one of its states")

    def transition(self, name: str, state: str) -> Transition:
        for t in self.transitions:
            if t.name == name and state in t.sources:
                return t
        raise InvalidTransition(
            _("“%(action)s” is not allowed while the case is “%(state)s”.")
            % {"action": _label(self, name), "state": State(state).label if state in State.values else state}
        )

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def open_states(self) -> tuple[str, ...]:
        return tuple(s for s in self.states if s != self.closed_state)


def _label(flow: Flow, name: str) -> str:
    for t in flow.transitions:
        if t.name == name:
            return str(t.label)
    return name


ACCEPT = Transition("accept", _("Accept"), (State.REPORTED,), State.ACCEPTED, Side.OWNER)
START = Transition("start", _("Start work"), (State.ACCEPTED,), State.IN_PROGRESS, Side.OWNER)
FINISH = Transition("finish", _("Mark done"), (State.IN_PROGRESS,), State.DONE, Side.OWNER, closes_work=True)
RETURN_TO_DISPATCHER = Transition(
    "return_to_dispatcher",
    _("Send back to the dispatcher"),
    (State.ACCEPTED, State.IN_PROGRESS),
    State.REPORTED,
    Side.OWNER,
    needs_reason=True,
)

VERIFIED_FLOW = Flow(
    key="verified",
    states=(State.REPORTED, State.ACCEPTED, State.IN_PROGRESS, State.DONE, State.VERIFIED),
    closed_state=State.VERIFIED,
    transitions=(
        ACCEPT,
        START,
        FINISH,
        RETURN_TO_DISPATCHER,
        Transition("verify", _("Verify and close"), (State.DONE,), State.VERIFIED, Side.VERIFIER),
        Transition(
            "return_to_owner",
            _("Send back to the owner"),
            (State.DONE,),
            State.IN_PROGRESS,
            Side.VERIFIER,
            needs_reason=True,
        ),
        Transition("reopen", _("Reopen"), (State.VERIFIED,), State.IN_PROGRESS, Side.DISPATCHER, needs_reason=True),
    ),
)

# Kinds whose owner's word closes the case (no check by someone else).
UNVERIFIED_FLOW = Flow(
    key="unverified",
    states=(State.REPORTED, State.ACCEPTED, State.IN_PROGRESS, State.DONE),
    closed_state=State.DONE,
    transitions=(
        ACCEPT,
        START,
        FINISH,
        RETURN_TO_DISPATCHER,
        Transition("reopen", _("Reopen"), (State.DONE,), State.IN_PROGRESS, Side.DISPATCHER, needs_reason=True),
    ),
)
