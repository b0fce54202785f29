"""临时救助's rules, from settings (国发〔2014〕47号, 民发〔2018〕23号); the writes are relief.py.

- **Standard:** the monthly 低保 standard in force on the application date: urban for a community,
  rural for a village (CARE_STANDARDS, each with its effective date).
- **Caps and levels:** a household's relief is at most a multiple of the standard, and each level
  approves up to its own multiple (CARE_RELIEF_LEVELS: the subdistrict up to 3×, 区民政局 up to 12×).
- **Type:** 急难型 for sudden hardship (isolation, lockdown, hospital, an accident), 支出型 for
  expenses (medical, education); in an epidemic period (core/calendar) the isolated, locked down
  and hospitalised are 急难型 whatever their 户籍 (CARE_EPIDEMIC_ANY_HUKOU); otherwise relief is for
  local 户籍.
- **Repeats:** an application of the household (any member) for the same cause within
  CARE_REPEAT_MONTHS months is flagged with the earlier one; only 区民政局 approves it, with a reason.
- **Approval:** the subdistrict decides within CARE_APPROVAL_WORKING_DAYS working days.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.calendar.days import district_calendar
from lianfang.core.flows.engine import Refusal

from .models import Household, ReliefApplication
from .permissions import is_civil_affairs, may_approve_at
from .states import EPIDEMIC_CAUSES, ReliefCause, ReliefState, ReliefType

CENT = Decimal("0.01")
EXPENDITURE_CAUSES = frozenset({ReliefCause.MEDICAL, ReliefCause.EDUCATION})
LIVE_STATES = (
    ReliefState.APPLIED,
    ReliefState.INVESTIGATING,
    ReliefState.PUBLICITY,
    ReliefState.APPROVING,
    ReliefState.PAYING,
    ReliefState.ARCHIVED,
)


# The rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standard:
    effective: dt.date
    urban: Decimal
    rural: Decimal


@lru_cache(maxsize=8)
def _standards(text: str) -> tuple[Standard, ...]:
    rows: list[Standard] = []
    for part in text.split(";"):
        if part.strip():
            day, urban, rural = part.strip().split(":")
            rows.append(Standard(dt.date.fromisoformat(day), Decimal(urban), Decimal(rural)))
    return tuple(sorted(rows, key=lambda s: s.effective))


def standard_on(day: dt.date, *, rural: bool) -> Decimal:
    """The monthly 低保 standard in force on `day` (the earliest one before any takes effect)."""
    table = _standards(settings.CARE_STANDARDS)
    found = table[0]
    for row in table:
        if row.effective <= day:
            found = row
    return found.rural if rural else found.urban


@lru_cache(maxsize=8)
def _levels(text: str) -> tuple[tuple[str, Decimal], ...]:
    rows = []
    for part in text.split(";"):
        if part.strip():
            level, multiple = part.strip().split(":")
            rows.append((level.strip(), Decimal(multiple)))
    return tuple(sorted(rows, key=lambda r: r[1]))


def levels() -> tuple[tuple[str, Decimal], ...]:
    """(level, multiple of the standard it approves up to), lowest first."""
    return _levels(settings.CARE_RELIEF_LEVELS)


def level_for(amount: Decimal, standard: Decimal) -> str | None:
    """The lowest level that may approve this amount, or None above every cap."""
    for level, multiple in levels():
        if amount <= (standard * multiple).quantize(CENT):
            return level
    return None


def cap(standard: Decimal) -> Decimal:
    return (standard * levels()[-1][1]).quantize(CENT)


def type_for(cause: str, day: dt.date, chosen: str = "") -> str:
    """急难型 or 支出型: the epidemic's causes are 急难型 in an epidemic period; expenses are 支出型;
    an accident is 急难型; otherwise what the applicant chose (急难型 by default)."""
    if cause in EPIDEMIC_CAUSES or cause == ReliefCause.ACCIDENT:
        return ReliefType.EMERGENCY
    if cause in EXPENDITURE_CAUSES:
        return ReliefType.EXPENDITURE
    return chosen if chosen in ReliefType.values else ReliefType.EMERGENCY


def hukou_waived(cause: str, day: dt.date) -> bool:
    return (
        settings.CARE_EPIDEMIC_ANY_HUKOU
        and cause in EPIDEMIC_CAUSES
        and district_calendar().epidemic_level(day) is not None
    )


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


def earlier_for_same_cause(household: Household, cause: str, day: dt.date, exclude: int | None = None) -> Any:
    """The household's (any member's) latest live application for the same cause within the window."""
    people = list(household.members.values_list("person_id", flat=True))
    rows = ReliefApplication.objects.filter(
        cause=cause,
        applied_on__gte=_months_before(day, settings.CARE_REPEAT_MONTHS),
        applied_on__lte=day,
        state__in=LIVE_STATES,
    ).filter(Q(household_id=household.pk) | Q(applicant_id__in=people))
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.order_by("-applied_on", "-id").first()


def approval_due(application: ReliefApplication) -> dt.date:
    """When the subdistrict's decision is due: CARE_APPROVAL_WORKING_DAYS working days after the
    application."""
    return district_calendar().add_working_days(application.applied_on, settings.CARE_APPROVAL_WORKING_DAYS)


def approver_may_approve(application: ReliefApplication, actor: Actor) -> Refusal:
    """The flow's guard on 审批: the approver's level covers the amount, and a repeat is approved only
    by 区民政局 with its reason on file."""
    region = application.household.region
    if not may_approve_at(actor, region, application.approval_level):
        return _("This amount is above the subdistrict's cap: 区民政局 approves it.")
    if application.repeat_of_id is not None and not (is_civil_affairs(actor) and application.repeat_override):
        return _(
            "This application repeats one for the same cause within %(months)d months: "
            "only 区民政局 may approve it, with a reason."
        ) % {"months": settings.CARE_REPEAT_MONTHS}
    return None


def yuan(value: Any, field: str, errors: dict[str, list[str]], *, least: Decimal, most: Decimal) -> Decimal | None:
    """An amount in yuan to the fen, within [least, most]; None, with the reason on `field`, for
    anything else (a word, NaN, infinity, out of range). An empty value is for the caller."""
    try:
        amount = Decimal(str(value).strip())
        if not amount.is_finite():
            raise ValueError
        amount = amount.quantize(CENT)
    except (InvalidOperation, ValueError):
        errors[field] = [_("Give an amount in yuan, such as 1680.00.")]
        return None
    if not least <= amount <= most:
        errors[field] = [_("The amount is out of range.")]
        return None
    return amount
