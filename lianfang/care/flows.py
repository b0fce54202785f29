"""The flows of a service order and a relief application, on core/flows.

A service order (暖心服务) goes 已申请 → 已派单 → 已送达 → 已确认, or is cancelled before delivery.
A relief application (临时救助, 国发〔2014〕47号 and 民发〔2018〕23号) goes 申请 → 入户调查 → 公示 →
审批 → 发放 → 归档; it may be returned (退回) for more papers and resubmitted, or refused (不予救助),
always with a reason. Who is on which side is permissions.py; the checks that need the record's
data (the approver's cap, the public notice's end, paid in full) are guards here, from rules.py;
the writes that go with a move are the services' (orders.py, relief.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.flows.engine import Flow, Move, Refusal, Transition, register_flow

from .permissions import order_sides, relief_sides
from .rules import approver_may_approve
from .states import OrderState, ReliefState


def _order_sides(record: Any, actor: Actor) -> Iterable[str]:
    return order_sides(record, actor)


def _relief_sides(record: Any, actor: Actor) -> Iterable[str]:
    return relief_sides(record, actor)


ORDER_FLOW = register_flow(
    Flow(
        key="care.service_order",
        states=tuple(OrderState),
        transitions=(
            Transition("dispatch", _("Dispatch"), (OrderState.APPLIED,), OrderState.DISPATCHED, "staff"),
            Transition("deliver", _("Mark delivered"), (OrderState.DISPATCHED,), OrderState.DELIVERED, "assignee"),
            Transition("confirm", _("Confirm delivery"), (OrderState.DELIVERED,), OrderState.CONFIRMED, "confirmer"),
            Transition(
                "cancel",
                _("Cancel"),
                (OrderState.APPLIED, OrderState.DISPATCHED),
                OrderState.CANCELLED,
                "staff",
                needs_reason=True,
            ),
        ),
        sides=("staff", "assignee", "confirmer"),
        sides_of=_order_sides,
        verb_prefix="service_order",
        closed_states=(OrderState.CONFIRMED, OrderState.CANCELLED),
        snapshot_fields=("state", "assigned_squad", "assigned_to", "delivered_at", "confirmed_by"),
        noun=_("service order"),
    )
)


def _publicity_over(move: Move) -> Refusal:
    record = move.record
    if record.publicity_ends is None or timezone.localdate() <= record.publicity_ends:
        return _("The public notice runs until %(day)s; objections may still come in.") % {"day": record.publicity_ends}
    if record.objections.filter(resolved_at__isnull=True).exists():
        return _("An objection to the public notice is not yet resolved.")
    return None


def _within_cap(move: Move) -> Refusal:
    return approver_may_approve(move.record, move.actor)


def _paid_in_full(move: Move) -> Refusal:
    record = move.record
    if record.paid_total() < (record.amount or 0):
        return _("The approved amount is not yet paid in full.")
    return None


RELIEF_FLOW = register_flow(
    Flow(
        key="care.relief",
        states=tuple(ReliefState),
        transitions=(
            Transition(
                "accept", _("Accept and investigate"), (ReliefState.APPLIED,), ReliefState.INVESTIGATING, "staff"
            ),
            # The investigation's findings and the publicity's period are the service's inputs
            # (relief.relief_investigate), which takes this move once they pass.
            Transition(
                "publish", _("Record the investigation and publish"), (ReliefState.INVESTIGATING,),
                ReliefState.PUBLICITY, "staff", automatic=True,
            ),
            Transition(
                "close_publicity", _("End the public notice"), (ReliefState.PUBLICITY,), ReliefState.APPROVING,
                "staff", guards=(_publicity_over,),
            ),
            Transition(
                "approve", _("Approve"), (ReliefState.APPROVING,), ReliefState.PAYING, "approver",
                guards=(_within_cap,),
            ),
            Transition(
                "archive", _("Archive"), (ReliefState.PAYING,), ReliefState.ARCHIVED, "staff",
                guards=(_paid_in_full,),
            ),
            Transition(
                "return", _("Return for more papers (退回)"),
                (ReliefState.APPLIED, ReliefState.INVESTIGATING, ReliefState.APPROVING),
                ReliefState.RETURNED, "staff", needs_reason=True,
            ),
            Transition("resubmit", _("Resubmit"), (ReliefState.RETURNED,), ReliefState.APPLIED, "staff"),
            Transition(
                "refuse", _("Refuse relief (不予救助)"),
                (ReliefState.INVESTIGATING, ReliefState.PUBLICITY, ReliefState.APPROVING),
                ReliefState.REFUSED, "approver", needs_reason=True,
            ),
        ),
        sides=("staff", "approver"),
        sides_of=_relief_sides,
        verb_prefix="relief",
        closed_states=(ReliefState.ARCHIVED, ReliefState.REFUSED),
        snapshot_fields=("state", "amount", "approved_at", "approval_level"),
        noun=_("relief application"),
    )
)  # fmt: skip
