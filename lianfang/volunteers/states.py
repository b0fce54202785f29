"""States of a volunteer task and its flow, declared on the one engine (lianfang.core.flows):

    open (recruiting) ⇄ full → done
             └──────────┴──→ cancelled

"full" and back to "open" follow the places taken (the services move a task there when a shift
fills the last place or frees one: automatic transitions, never offered); "finish" and "cancel"
are taken by the staff who organise volunteers in the task's region. Anything else is refused
with InvalidTransition. Each move is a status change on the task's history and an audit row.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.flows.engine import Flow, Transition, register_flow

from .permissions import may_organise


class TaskState(models.TextChoices):
    OPEN = "open", _("Recruiting")
    FULL = "full", _("Full")
    DONE = "done", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# States in which volunteers may still be dispatched, sign up, check in and check out.
ACTIVE_STATES = (TaskState.OPEN, TaskState.FULL)

ORGANISER = "organiser"


def _sides(task: Any, actor: Actor) -> frozenset[str]:
    return frozenset({ORGANISER}) if may_organise(actor, region_code=task.region.code) else frozenset()


TASK_FLOW = register_flow(
    Flow(
        key="volunteer_task",
        states=tuple(TaskState),
        transitions=(
            Transition("fill", _("Places filled"), (TaskState.OPEN,), TaskState.FULL, ORGANISER, automatic=True),
            Transition("free", _("A place freed"), (TaskState.FULL,), TaskState.OPEN, ORGANISER, automatic=True),
            Transition("finish", _("Finish the task"), ACTIVE_STATES, TaskState.DONE, ORGANISER),
            Transition(
                "cancel", _("Cancel the task"), ACTIVE_STATES, TaskState.CANCELLED, ORGANISER, needs_reason=True
            ),
        ),
        sides=(ORGANISER,),
        sides_of=_sides,
        verb_prefix="volunteer_task",
        closed_states=(TaskState.DONE, TaskState.CANCELLED),
        reason_field="reason",
        snapshot_fields=("state",),
        noun=_("task"),
    )
)
