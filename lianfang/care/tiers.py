"""A household's visit tier from its members' tags and ages, by rules kept as data.

Each rule names a tier, what it is called, an age from which it applies (or none) and the tags of
which one is enough. A rule matches a member who has one of its tags (on themself or on the whole
household) and is old enough; the household's tier is the highest any member matches. A household
with a valid tag that no higher rule matches is 一般; one with no valid tag owes no visit. Staff may
raise a tier with a reason (services.household_raise), never lower the one the rules give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianfang.core.privacy.masking import age_on

from .states import TIER_RANK, RiskTier, TagKind


@dataclass(frozen=True)
class TierRule:
    tier: str
    label: Promise | str
    tags: frozenset[str]
    min_age: int | None = None


RULES: tuple[TierRule, ...] = (
    TierRule(RiskTier.HIGH, _("80 or older and living alone"), frozenset({TagKind.LIVING_ALONE}), 80),
    TierRule(RiskTier.HIGH, _("A life-threatening illness"), frozenset({TagKind.CRITICAL_ILLNESS})),
    TierRule(
        RiskTier.PRIORITY, _("60 or older, disabled or with dementia"), frozenset({TagKind.DISABLED_COGNITIVE}), 60
    ),
    # A household in the community that gets 特困供养 is supported at home: 分散特困.
    TierRule(RiskTier.PRIORITY, _("Extreme-poverty support at home (分散特困)"), frozenset({TagKind.TEKUN})),
    TierRule(RiskTier.PRIORITY, _("A child in difficulty"), frozenset({TagKind.CHILD_IN_DIFFICULTY})),
)


@dataclass(frozen=True)
class MemberFacts:
    """What the rules look at for one member: their birth date and their valid tags (with the
    household's own)."""

    birth_date: dt.date | None
    tags: frozenset[str]


def higher(a: str, b: str) -> str:
    return a if TIER_RANK.get(a, 0) >= TIER_RANK.get(b, 0) else b


def tier_for(members: Iterable[MemberFacts], household_tags: Iterable[str], day: dt.date) -> tuple[str, list[str]]:
    """The tier the rules give, and the labels of the rules that gave it ("" and [] for none)."""
    shared = frozenset(household_tags)
    best = ""
    reasons: list[str] = []
    any_tag = bool(shared)
    for member in members:
        tags = member.tags | shared
        any_tag = any_tag or bool(member.tags)
        age = age_on(member.birth_date, day)
        for rule in RULES:
            if not rule.tags & tags or (rule.min_age is not None and (age is None or age < rule.min_age)):
                continue
            if TIER_RANK[rule.tier] > TIER_RANK.get(best, 0):
                best, reasons = rule.tier, [str(rule.label)]
            elif rule.tier == best and str(rule.label) not in reasons:
                reasons.append(str(rule.label))
    if not best and any_tag:
        return RiskTier.GENERAL, []
    return best, reasons
