"""The care practice's stored words: tiers, tags, visits and needs, services, the states of an
order and of a relief application (their flows are flows.py), relief types and causes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
