"""States of a volunteer task, kept as data.

    open (recruiting) ⇄ full → done
             └──────────┴──→ cancelled

"full" and back to "open" follow the places taken (the services move a task there when a shift
fills the last place or frees one); "finish" and "cancel" are taken by staff. Anything else is
refused with InvalidTransition.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class TaskState(models.TextChoices):
    OPEN = "open", _("Recruiting")
    FULL = "full", _("Full")
    DONE = "done", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# States in which volunteers may still be dispatched, sign up, check in and check out.
ACTIVE_STATES = (TaskState.OPEN, TaskState.FULL)


class InvalidTransition(Exception):
    """A move the task's state does not allow."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise | str
    sources: tuple[str, ...]
    target: str
    # Taken by the services when places fill or free up, never offered as a button.
    automatic: bool = False
    needs_reason: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("fill", _("Places filled"), (TaskState.OPEN,), TaskState.FULL, automatic=True),
    Transition("free", _("A place freed"), (TaskState.FULL,), TaskState.OPEN, automatic=True),
    Transition("finish", _("Finish the task"), (TaskState.OPEN, TaskState.FULL), TaskState.DONE),
    Transition(
        "cancel", _("Cancel the task"), (TaskState.OPEN, TaskState.FULL), TaskState.CANCELLED, needs_reason=True
    ),
)


def transition_for(name: str, state: str) -> Transition:
    for t in TRANSITIONS:
        if t.name == name and state in t.sources:
            return t
    label = TaskState(state).label if state in TaskState.values else state
    raise InvalidTransition(
        _("“%(action)s” is not allowed while the task is “%(state)s”.") % {"action": name, "state": label}
    )


def available(state: str) -> list[Transition]:
    """What staff may do to a task in this state (the automatic moves are not offered)."""
    return [t for t in TRANSITIONS if state in t.sources and not t.automatic]
