"""The care practice's stored words, and the flows of a service order and a relief application.

A service order (暖心服务) goes 已申请 → 已派单 → 已送达 → 已确认, or is cancelled before delivery.
A relief application (临时救助, 国发〔2014〕47号 and 民发〔2018〕23号) goes 申请 → 入户调查 → 公示 →
审批 → 发放 → 归档; it may be returned (退回) for more papers and resubmitted, or refused (不予救助),
always with a reason. Who is on which side is care/permissions.py; the checks that need the
record's data (the approver's cap, the publicity's end, paid in full) are guards here, the writes
that go with a move are the services'.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.flows.engine import Flow, Move, Refusal, Transition, register_flow


class RiskTier(models.TextChoices):
    """Visit tiers, highest first (the order is the rank: see tiers.py)."""

    HIGH = "high", _("High (高): weekly visits")
    PRIORITY = "priority", _("Priority (重点): monthly visits")
    GENERAL = "general", _("General (一般): quarterly visits")


TIER_RANK = {RiskTier.HIGH: 3, RiskTier.PRIORITY: 2, RiskTier.GENERAL: 1, "": 0}


class TagKind(models.TextChoices):
    DIBAO = "dibao", _("Subsistence allowance household (低保户)")
    TEKUN = "tekun", _("Extreme-poverty support (特困供养)")
    DIBAO_EDGE = "dibao_edge", _("Near the subsistence line (低保边缘)")
    STRUGGLING_MERCHANT = "merchant", _("Struggling small merchant (困难商户)")
    LIVING_ALONE = "alone", _("Elder living alone (独居老人)")
    EMPTY_NEST = "empty_nest", _("Empty-nest elder (空巢老人)")
    VERY_OLD = "very_old", _("Very old (高龄老人)")
    DISABLED_COGNITIVE = "disabled", _("Disabled or with dementia (失能失智)")
    SEVERE_DISABILITY = "severe_disability", _("Severe disability (重度残疾)")
    CHILD_IN_DIFFICULTY = "child", _("Child in difficulty (困境儿童)")
    PREGNANT = "pregnant", _("Pregnant or postpartum (孕产妇)")
    CHRONIC_MEDICATION = "chronic", _("Chronic illness on long-term medication (慢性病需长期服药)")
    CRITICAL_ILLNESS = "critical", _("Life-threatening illness (危重疾病)")


# What each tag tells of: income tags are financial data, the rest health or disability; a child
# in difficulty is a minor's record. All are sensitive (PIPL Art. 28).
INCOME_TAGS = frozenset({TagKind.DIBAO, TagKind.TEKUN, TagKind.DIBAO_EDGE, TagKind.STRUGGLING_MERCHANT})


class TagSource(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs list (民政名单)")
    VISIT = "visit", _("Found on a visit (走访发现)")
    SELF_REPORT = "self_report", _("Self-reported (本人申报)")


class VisitMode(models.TextChoices):
    DOOR = "door", _("At the door (上门)")
    PHONE = "phone", _("By phone (电话)")
    VIDEO = "video", _("By video (视频)")


class NeedKind(models.TextChoices):
    SHOPPING = "shopping", _("Proxy shopping of food or medicine (代购)")
    MEDICAL = "medical", _("Medical appointment or transport (就医)")
    COUNSELLING = "counselling", _("Psychological counselling (心理疏导)")
    RELIEF = "relief", _("Temporary relief (临时救助)")
    OTHER = "other", _("Other (其他)")


class ServiceKind(models.TextChoices):
    SHOPPING = "shopping", _("Proxy shopping (代购)")
    MEDICINE = "medicine", _("Medicine delivery (送药)")
    ESCORT = "escort", _("Escort to a doctor (就医陪同)")
    COUNSELLING = "counselling", _("Psychological counselling (心理疏导)")
    HOME_CARE = "home_care", _("Home care (上门照护)")


# The service a need becomes with one tap (a relief need becomes an application instead).
SERVICE_FOR_NEED = {
    NeedKind.SHOPPING: ServiceKind.SHOPPING,
    NeedKind.MEDICAL: ServiceKind.ESCORT,
    NeedKind.COUNSELLING: ServiceKind.COUNSELLING,
    NeedKind.OTHER: ServiceKind.HOME_CARE,
}


class OrderState(models.TextChoices):
    APPLIED = "applied", _("Applied (已申请)")
    DISPATCHED = "dispatched", _("Dispatched (已派单)")
    DELIVERED = "delivered", _("Delivered (已送达)")
    CONFIRMED = "confirmed", _("Confirmed (已确认)")
    CANCELLED = "cancelled", _("Cancelled (已撤销)")


class Confirmer(models.TextChoices):
    RESIDENT = "resident", _("The resident")
    VISITOR = "visitor", _("The visitor, for the resident")


class ReliefState(models.TextChoices):
    APPLIED = "applied", _("Application (申请)")
    INVESTIGATING = "investigating", _("Home investigation (入户调查)")
    PUBLICITY = "publicity", _("Public notice (公示)")
    APPROVING = "approving", _("Approval (审批)")
    PAYING = "paying", _("Payment (发放)")
    ARCHIVED = "archived", _("Archived (归档)")
    RETURNED = "returned", _("Returned (退回)")
    REFUSED = "refused", _("Refused (不予救助)")


class ReliefType(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency (急难型)")
    EXPENDITURE = "expenditure", _("Expenditure (支出型)")


class ReliefCause(models.TextChoices):
    ISOLATED = "isolated", _("In isolation (隔离)")
    LOCKED_DOWN = "locked_down", _("Locked down (封控)")
    HOSPITALISED = "hospitalised", _("In hospital (住院)")
    INCOME_LOSS = "income_loss", _("Income fell in the epidemic (收入锐减)")
    MEDICAL = "medical", _("Medical expenses (医疗支出)")
    EDUCATION = "education", _("Education expenses (教育支出)")
    ACCIDENT = "accident", _("Accident or disaster (意外事故)")
    OTHER = "other", _("Other (其他)")


# Causes that make an application 急难型 in an epidemic period, whatever the applicant's 户籍.
EPIDEMIC_CAUSES = frozenset({ReliefCause.ISOLATED, ReliefCause.LOCKED_DOWN, ReliefCause.HOSPITALISED})


class ApprovalLevel(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("Subdistrict or town (街道/乡镇)")
    CIVIL_AFFAIRS = "civil_affairs", _("District civil affairs bureau (区民政局)")


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("Bank transfer (银行转账)")
    IN_KIND = "in_kind", _("In kind (实物)")


def _sides(record: Any, actor: Actor) -> Iterable[str]:
    from .permissions import order_sides, relief_sides  # the flows are declared before the rules load

    return order_sides(record, actor) if hasattr(record, "assigned_squad_id") else relief_sides(record, actor)


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
        sides_of=_sides,
        verb_prefix="service_order",
        closed_states=(OrderState.CONFIRMED, OrderState.CANCELLED),
        snapshot_fields=("state", "assigned_squad", "assigned_to", "delivered_at", "confirmed_by"),
        noun=_("service order"),
    )
)


def _publicity_over(move: Move) -> Refusal:
    from django.utils import timezone

    record = move.record
    if record.publicity_ends is None or timezone.localdate() <= record.publicity_ends:
        return _("The public notice runs until %(day)s; objections may still come in.") % {"day": record.publicity_ends}
    if record.objections.filter(resolved_at__isnull=True).exists():
        return _("An objection to the public notice is not yet resolved.")
    return None


def _within_cap(move: Move) -> Refusal:
    from .relief import approver_may_approve

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
        sides_of=_sides,
        verb_prefix="relief",
        closed_states=(ReliefState.ARCHIVED, ReliefState.REFUSED),
        snapshot_fields=("state", "amount", "approved_at", "approval_level"),
        noun=_("relief application"),
    )
)  # fmt: skip
