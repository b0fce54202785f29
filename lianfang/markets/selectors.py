"""Reads of the markets' practice, through the scoping layer: shops, inspections, reviews, a
shop's timeline, and the public list (no personal data: names, addresses and flags)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.cases.models import Case, CaseEvent
from lianfang.core.flows.selectors import status_changes
from lianfang.core.inspections.models import Answer
from lianfang.core.regions.models import Region, RegionLevel
from lianfang.core.regions.scoping import scope_for

from .models import Review, Shop, ShopInspection, SuspensionNotice, Team
from .states import Flag, ShopState
from .teams import team_of_user


def shop_list(user: Any) -> QuerySet[Shop]:
    return scope_for(user).filter(Shop.objects.select_related("unit__region", "team"))


def inspection_list(user: Any) -> QuerySet[ShopInspection]:
    rows = ShopInspection.objects.select_related(
        "shop__unit__region", "round__team", "inspection__recorded_by", "inspection__version__template", "case"
    )
    return scope_for(user).filter(rows)


def answers_of(row: ShopInspection) -> QuerySet[Answer]:
    return Answer.objects.filter(inspection_id=row.pk).select_related("item", "photo").order_by("item__position")


def notice_list(user: Any) -> QuerySet[SuspensionNotice]:
    return scope_for(user).filter(SuspensionNotice.objects.select_related("inspection__shop__unit__region"))


def review_list(user: Any) -> QuerySet[Review]:
    """Reviews the user may see, and those their team is to decide (wherever the shop is)."""
    team = team_of_user(user)
    mine = Review.objects.filter(team=team) if team is not None else Review.objects.none()
    seen = scope_for(user).filter(Review.objects.all())
    rows = Review.objects.filter(Q(pk__in=seen.values("pk")) | Q(pk__in=mine.values("pk")))
    return rows.select_related("shop__unit", "team", "flagged__round__team", "case")


def teams() -> QuerySet[Team]:
    return Team.objects.prefetch_related("regions", "inspectors__user")


@dataclass(frozen=True)
class Step:
    """One line of a shop's timeline."""

    at: dt.datetime
    what: str
    who: str
    note: str = ""
    link: str = ""


def shop_timeline(shop: Shop, inspections: list[ShopInspection], cases: list[Case]) -> list[Step]:
    """Every step of a shop's story, newest first: inspections with their outcomes, its status
    changes, its cases' events and its reviews (the caller has found the shop, its inspections and
    its cases through the user's scope)."""
    steps = [
        Step(
            r.inspection.inspected_at,
            f"{r.get_kind_display()}：{r.get_outcome_display()}" + (_("(revoked on review)") if r.revoked_at else ""),
            str(r.inspection.recorded_by or ""),
            r.stricter_reason,
            reverse("markets:inspection", args=[r.pk]),
        )
        for r in inspections
    ]
    steps += [Step(c.at, c.transition_label, c.shown_by, c.note) for c in status_changes(shop)]
    events = CaseEvent.objects.filter(case__in=cases).select_related("case").order_by("at")
    for e in events:
        label = e.get_kind_display() if not e.transition else e.transition
        steps.append(
            Step(e.at, f"{e.case.title} · {label}", e.shown_by, e.note, reverse("cases:detail", args=[e.case_id]))
        )
    notices = SuspensionNotice.objects.filter(inspection__in=[r.pk for r in inspections])
    for notice in notices.select_related("inspection__inspection"):
        link = reverse("markets:inspection", args=[notice.pk])
        issued = _("Notice %(code)s issued") % {"code": notice.code}
        steps.append(Step(notice.inspection.inspection.inspected_at, issued, "", "", link))
        if notice.served_at is not None:
            how = f"{notice.get_served_display()}{('：' + notice.witness) if notice.witness else ''}"
            steps.append(Step(notice.served_at, _("Notice %(code)s served") % {"code": notice.code}, "", how, link))
    for review in Review.objects.filter(shop=shop).select_related("team"):
        asked = _("Review asked of %(team)s") % {"team": review.team}
        steps.append(Step(review.requested_at, asked, "", review.reason))
        if review.decided_at is not None:
            decided = _("Review decided: %(decision)s") % {"decision": review.get_decision_display()}
            steps.append(Step(review.decided_at, decided, "", review.note))
    return sorted(steps, key=lambda s: s.at, reverse=True)


@dataclass(frozen=True)
class PublicShop:
    name: str
    address: str
    flag: str
    state: str
    last_inspected: dt.date | None


def public_list(subdistrict: Region | None = None) -> dict[str, dict[str, list[PublicShop]]]:
    """The current flags per subdistrict for the public page: names, addresses, the flag and the
    day of the last inspection. Nothing else is read, so nothing else can be shown."""
    subdistricts = {
        r.code[:9]: r.name for r in Region.objects.filter(level__in=(RegionLevel.SUBDISTRICT, RegionLevel.TOWN))
    }
    rows = Shop.objects.filter(Q(flag__in=Flag.values) | Q(state=ShopState.SUSPENDED))
    if subdistrict is not None:
        rows = rows.filter(unit__region__code__startswith=subdistrict.prefix)
    values = rows.values_list(
        "unit__name", "unit__address", "unit__region__code", "flag", "state", "last_inspected_at"
    ).order_by("unit__region__code", "unit__name_pinyin")
    out: dict[str, dict[str, list[PublicShop]]] = {}
    for name, address, code, flag, state, last in values:
        group = "suspended" if state == ShopState.SUSPENDED else flag
        shops = out.setdefault(subdistricts.get(code[:9], ""), {"suspended": [], "black": [], "red": []})
        shops[group].append(PublicShop(name, address, flag, state, timezone.localtime(last).date() if last else None))
    return out
