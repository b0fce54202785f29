"""The absence for illness as a flow on core/flows (因病缺勤追踪):

    registered (登记) → tracking (追踪) → outcome (转归) → returned (复课)

A 晨午检 that names a student absent for illness registers the absence (services). The class's
teachers follow it up and record the outcome; the return after an infectious disease needs a
return certificate (复课证明) from a medical institution, checked by the school's health officer.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.actors import Actor, acting_user
from lianfang.core.flows.engine import Flow, Move, Transition, register_flow

from .models import AbsenceState

TEACHER = "teacher"
HEALTH_OFFICER = "health_officer"


def _sides(absence: Any, actor: Actor) -> frozenset[str]:
    user = acting_user(actor)
    if user is None:
        return frozenset()
    school_class = absence.school_class
    sides = set()
    if user.pk == school_class.school.health_officer_id:
        sides |= {TEACHER, HEALTH_OFFICER}
    if user.pk == school_class.head_teacher_id or school_class.teachers.filter(pk=user.pk).exists():
        sides.add(TEACHER)
    return frozenset(sides)


def _certificate_checked(move: Move) -> dict[str, list[str]] | None:
    absence = move.record
    if absence.infectious and absence.certificate_checked_by_id is None:
        return {
            "certificate": [
                str(_("After an infectious disease the health officer checks the return certificate first."))
            ]
        }
    return None


def _returned_on(move: Move) -> None:
    move.record.returned_on = move.inputs.get("returned_on")


ABSENCE_FLOW = register_flow(
    Flow(
        key="schools.absence",
        states=tuple(AbsenceState),
        transitions=(
            Transition(
                "track",
                _("Record the follow-up"),
                (AbsenceState.REGISTERED, AbsenceState.TRACKING),
                AbsenceState.TRACKING,
                TEACHER,
                needs_reason=True,
            ),
            Transition(
                "conclude",
                _("Record the outcome"),
                (AbsenceState.TRACKING,),
                AbsenceState.OUTCOME,
                TEACHER,
                asks={"diagnosis": _("Give the diagnosis or outcome.")},
            ),
            Transition(
                "back",
                _("Back at school"),
                (AbsenceState.OUTCOME,),
                AbsenceState.RETURNED,
                TEACHER,
                asks={"returned_on": _("Give the day the student is back.")},
                guards=(_certificate_checked,),
                effects=(_returned_on,),
            ),
        ),
        sides=(TEACHER, HEALTH_OFFICER),
        sides_of=_sides,
        verb_prefix="absence",
        closed_states=(AbsenceState.RETURNED,),
        snapshot_fields=("state", "follow_up", "diagnosis", "infectious", "returned_on"),
        noun=_("absence"),
    )
)
