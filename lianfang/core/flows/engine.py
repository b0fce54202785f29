"""The one state-machine engine: a record's states and the transitions between them, as data.

A practice declares a Flow once (cases/workflow.py, volunteers/states.py …) and its services take
transitions through `Flow.take`, which does, in one transaction and in this order:

1. the transition must start from the record's state (else InvalidTransition);
2. a transition marked `automatic` follows from another write and is refused when asked for;
3. the actor must be on the side that takes it (the flow's `sides` tells which sides an actor is
   on for this record; else PermissionDenied, and the refusal is audited);
4. a reason when the transition needs one, and the inputs it asks for (else ValidationError
   naming each field);
5. its guards: each looks at the record and the actor and answers None, or a refusal: a
   message (InvalidTransition) or messages by field (ValidationError);
6. the new state, the flow's and then the transition's effects, the record saved (with its
   version moved on, when it has one);
7. a status-change row on the record's timeline and an audit row.

Nothing here knows a practice: sides, guards, effects and the timeline writer are the flow's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot

from .models import StatusChange


class InvalidTransition(Exception):
    """A transition the record's flow does not allow now: not from its state, not on request, or
    refused by a guard. The API answers 400 naming the field `name`; pages show the message."""


# A guard's answer: None lets the transition through; a message refuses it; messages by field
# refuse it as a ValidationError (so that a form can show each beside its field).
Refusal = str | Promise | Mapping[str, list[str]] | None


class Guard(Protocol):
    def __call__(self, move: Move, /) -> Refusal: ...


class Effect(Protocol):
    def __call__(self, move: Move, /) -> None: ...


@dataclass(frozen=True)
class Transition:
    """One arrow of a flow. `by` names the side that may take it (one of the flow's sides)."""

    name: str
    label: Promise | str
    sources: tuple[str, ...]
    target: str
    by: str
    needs_reason: bool = False
    # Inputs the transition asks for, each with the message given when it is missing
    # (the case's outcome when the work is marked done).
    asks: Mapping[str, Promise | str] = field(default_factory=dict)
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    # Taken by the services as a consequence of another write (a task filling up), never offered.
    automatic: bool = False


@dataclass
class Move:
    """A transition being taken: what guards, effects and the timeline writer are given."""

    flow: Flow
    transition: Transition
    record: Any
    actor: Actor
    source: str
    note: str = ""
    inputs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return self.transition.target


Timeline = Callable[[Move], None]
RECORD = gettext_lazy("record")


def _write_status_change(move: Move) -> None:
    StatusChange.record(
        record=move.record,
        flow=move.flow.key,
        transition=move.transition.name,
        source=move.source,
        target=move.target,
        actor=move.actor,
        note=move.note,
    )


@dataclass(frozen=True, eq=False)
class Flow:
    """The states of one kind of record and the transitions between them. Checked when declared:
    a transition from or to a state outside the flow, a side the flow does not know, or the same
    name twice from one state is an error at import time, not at the first request."""

    key: str
    # The record's states (TextChoices members: their labels are shown in refusals).
    states: tuple[Any, ...]
    transitions: tuple[Transition, ...]
    # The sides an actor may be on (owner, dispatcher …) and how to tell which they are on.
    sides: tuple[str, ...]
    sides_of: Callable[[Any, Any], Iterable[str]]
    # The audit verb of a transition is "<verb_prefix>.<name>" (case.accept, volunteer_task.finish).
    verb_prefix: str
    # States in which the record's work is over (closed, cancelled).
    closed_states: tuple[str, ...] = ()
    # The field a missing reason is reported on.
    reason_field: str = "note"
    snapshot_fields: tuple[str, ...] | None = None
    # Effects of every transition of the flow, run before the transition's own.
    effects: tuple[Effect, ...] = ()
    # Writes the status-change row on the record's timeline (by default flows.StatusChange).
    timeline: Timeline = _write_status_change
    # The message of a refusal for want of a side, when the flow can say more than the default.
    side_refusal: Callable[[Move, frozenset[str]], str | None] | None = None
    # What the record is called in messages ("case", "task").
    noun: Promise | str = RECORD

    def __post_init__(self) -> None:
        states = {str(s) for s in self.states}
        seen: set[tuple[str, str]] = set()
        for t in self.transitions:
            if t.target not in states or any(s not in states for s in t.sources):
                raise ValueError(f"flow {self.key}: transition {t.name} uses a state outside the flow")
            if not t.sources:
                raise ValueError(f"flow {self.key}: transition {t.name} starts from no state")
            if t.by not in self.sides:
                raise ValueError(f"flow {self.key}: transition {t.name} is taken by an unknown side {t.by!r}")
            for source in t.sources:
                if (t.name, source) in seen:
                    raise ValueError(f"flow {self.key}: {t.name} twice from {source}")
                seen.add((t.name, source))
        if any(s not in states for s in self.closed_states):
            raise ValueError(f"flow {self.key}: a closed state is not one of its states")

    # Reading the table ------------------------------------------------------------------------

    def state_label(self, state: str) -> str:
        for s in self.states:
            if str(s) == state:
                return str(getattr(s, "label", s))
        return state

    def label(self, name: str) -> str:
        return next((str(t.label) for t in self.transitions if t.name == name), name)

    def transition(self, name: str, state: str) -> Transition:
        """The transition `name` from `state`, or InvalidTransition saying why not."""
        for t in self.transitions:
            if t.name == name and state in t.sources:
                return t
        raise InvalidTransition(
            _("“%(action)s” is not allowed while the %(record)s is “%(state)s”.")
            % {"action": self.label(name), "record": self.noun, "state": self.state_label(state)}
        )

    def available(self, state: str) -> list[Transition]:
        """What may be asked for in this state (automatic transitions are not offered)."""
        return [t for t in self.transitions if state in t.sources and not t.automatic]

    def offered(self, record: Any, actor: Actor) -> list[Transition]:
        """What this actor may ask for now: the transitions from the record's state on their sides."""
        on = frozenset(self.sides_of(record, actor))
        return [t for t in self.available(record.state) if t.by in on]

    def open_states(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.states if str(s) not in self.closed_states)

    def verbs(self) -> dict[str, str]:
        """The audit verbs this flow writes, with their labels."""
        return {f"{self.verb_prefix}.{t.name}": str(t.label) for t in self.transitions}

    # Taking a transition ----------------------------------------------------------------------

    def take(
        self,
        *,
        record: models.Model,
        name: str,
        actor: Actor,
        note: str = "",
        inputs: Mapping[str, Any] | None = None,
        automatic: bool = False,
    ) -> Move:
        """Move `record` (locked by the caller, with its version checked) along transition `name`.

        `automatic` is for the services' own consequential moves (never a user's request): those
        are taken on no side. Raises InvalidTransition, PermissionDenied or ValidationError, and
        changes nothing when it does."""
        state: str = getattr(record, "state")  # noqa: B009 (every flow's record has one)
        t = self.transition(name, state)
        if t.automatic and not automatic:
            raise InvalidTransition(
                _("“%(action)s” follows from other changes; it cannot be asked for.") % {"action": t.label}
            )
        move = Move(self, t, record, actor, state, str(note or "").strip(), dict(inputs or {}))
        verb = f"{self.verb_prefix}.{t.name}"
        if not t.automatic:
            on = frozenset(self.sides_of(record, actor))
            if t.by not in on:
                audit_record_refusal(actor=actor, verb=verb, target=record)
                said = self.side_refusal(move, on) if self.side_refusal is not None else None
                raise PermissionDenied(said or _("You may not do this to this %(record)s.") % {"record": self.noun})
        errors: dict[str, list[str]] = {}
        if t.needs_reason and len(move.note) < 2:
            errors[self.reason_field] = [_("Give the reason.")]
        for input_name, missing in t.asks.items():
            if not str(move.inputs.get(input_name) or "").strip():
                errors[input_name] = [str(missing)]
        for guard in t.guards:
            refusal = guard(move)
            if refusal is None:
                continue
            if isinstance(refusal, Mapping):
                for key, messages in refusal.items():
                    errors.setdefault(key, []).extend(str(m) for m in messages)
            else:
                raise InvalidTransition(str(refusal))
        if errors:
            raise ValidationError(errors)
        fields = list(self.snapshot_fields) if self.snapshot_fields is not None else None
        with transaction.atomic():
            before = snapshot(record, fields)
            record.state = t.target  # type: ignore[attr-defined]
            for effect in (*self.effects, *t.effects):
                effect(move)
            if hasattr(record, "version"):
                record.version += 1
            record.save()
            self.timeline(move)
            after = snapshot(record, fields)
            audit_record(actor=actor, verb=verb, target=record, before=before, after=after, detail=move.note[:500])
        return move


_FLOWS: dict[str, Flow] = {}


def register_flow(flow: Flow) -> Flow:
    """Declare a flow once, by its key (the audit log and the history pages read its labels)."""
    existing = _FLOWS.get(flow.key)
    if existing is not None and existing is not flow:
        raise ValueError(f"flow {flow.key!r} is already registered")
    _FLOWS[flow.key] = flow
    return flow


def get_flow(key: str) -> Flow:
    try:
        return _FLOWS[key]
    except KeyError:
        raise LookupError(f"no flow {key!r} is registered (is the app that declares it installed?)") from None


def all_flows() -> list[Flow]:
    return list(_FLOWS.values())
