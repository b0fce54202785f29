"""The markets' figures (practice 3, 红黑旗): inspectors out (出动执法人员人次), shops inspected
(检查商户家次), shops given a black flag, a red flag, a suspension order, reopened after acceptance,
the flags held now, and the daily coverage (每日最少过一遍, from core/duties). Flags revoked on
review are not counted."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianfang.core.duties.figures import completeness_figure, missing_figure
from lianfang.core.figures.registry import Column, Figure, Kind, Period, Units, in_region, register
from lianfang.core.figures.sections import Section, register_section
from lianfang.core.regions.models import Region

from .duties import DAILY_INSPECTION
from .models import Round, Shop, ShopInspection, Team
from .states import BLACK_OUTCOMES, Flag, Outcome, ShopState
from .states import Kind as InspectionKind

PRACTICE = "markets"
SHOPS = pgettext_lazy("unit", "shops")
INSPECTION_COLUMNS = (
    Column("day", _("day")),
    Column("shop__unit__name", _("shop")),
    Column("shop__unit__address", _("address")),
    Column("inspection__region__name", _("region")),
    Column("round__team__name", _("team")),
    Column("kind", _("kind of inspection"), choices=InspectionKind),
    Column("outcome", _("outcome"), choices=Outcome),
)
SHOP_COLUMNS = (
    Column("unit__name", _("shop")),
    Column("unit__address", _("address")),
    Column("unit__region__name", _("region")),
    Column("state", _("status"), choices=ShopState),
    Column("flag", _("current flag"), choices=Flag),
    Column("flag_since", _("flag given on")),
)


def _rounds(period: Period, region: Region) -> QuerySet[Any]:
    teams = Team.objects.filter(regions__code__startswith=region.prefix).values("pk")
    return Round.objects.filter(day__gte=period.start, day__lte=period.end, team__in=teams)


def _inspections(period: Period, region: Region) -> QuerySet[Any]:
    rows = ShopInspection.objects.filter(day__gte=period.start, day__lte=period.end)
    return in_region(rows, "inspection__region", region)


def _flagged(*outcomes: str) -> Any:
    def rows(period: Period, region: Region) -> QuerySet[Any]:
        return _inspections(period, region).filter(outcome__in=outcomes, revoked_at__isnull=True)

    return rows


def _holding(**state: Any) -> Any:
    def rows(period: Period, region: Region) -> QuerySet[Any]:
        return in_region(Shop.objects.filter(**state), "unit__region", region)

    return rows


register(
    Figure(
        key="markets.inspectors_out",
        label=_("Law-enforcement officers out (出动执法人员人次)"),
        unit=Units.TIMES,
        kind=Kind.SUM,
        amount="size",
        practice=PRACTICE,
        rows=_rounds,
        day="day",
        columns=(Column("day", _("day")), Column("team__name", _("team")), Column("size", _("inspectors present"))),
        description=_("The inspectors present in each round (出动), summed over the rounds of the period."),
    )
)
register(
    Figure(
        key="markets.inspections",
        label=_("Shops inspected (检查商户家次)"),
        unit=Units.TIMES,
        kind=Kind.COUNT,
        practice=PRACTICE,
        rows=_inspections,
        day="day",
        columns=INSPECTION_COLUMNS,
        description=_("Inspections of shops in the period: routine, closure checks and acceptances."),
    )
)
for key, label, outcomes, description in (
    (
        "markets.black_flag_shops",
        _("Shops given a black flag (发放黑旗商户)"),
        BLACK_OUTCOMES,
        _("Shops given a black flag in the period, each once; a suspension order is also a black flag."),
    ),
    (
        "markets.red_flag_shops",
        _("Shops given a red flag (红旗)"),
        (Outcome.RED,),
        _("Shops given a red flag in the period, each once."),
    ),
    (
        "markets.suspended_shops",
        _("Shops ordered to suspend (责令停业整改)"),
        (Outcome.SUSPENSION,),
        _("Shops ordered to suspend for rectification in the period, each once."),
    ),
):
    register(
        Figure(
            key=key,
            label=label,
            unit=SHOPS,
            kind=Kind.DISTINCT,
            subject="shop",
            practice=PRACTICE,
            rows=_flagged(*outcomes),
            columns=INSPECTION_COLUMNS,
            description=description,
        )
    )
register(
    Figure(
        key="markets.reopened",
        label=_("Shops reopened after acceptance"),
        unit=Units.TIMES,
        kind=Kind.COUNT,
        practice=PRACTICE,
        rows=_flagged(Outcome.ACCEPTED),
        day="day",
        columns=INSPECTION_COLUMNS,
        description=_("Acceptance inspections passed in the period: each reopened a suspended shop."),
    )
)
for key, label, state, description in (
    ("markets.holding_red", _("Shops holding a red flag"), {"flag": Flag.RED}, _("Shops whose current flag is red.")),
    (
        "markets.holding_black",
        _("Shops holding a black flag"),
        {"flag": Flag.BLACK},
        _("Shops whose current flag is black (suspended shops among them)."),
    ),
    (
        "markets.holding_suspension",
        _("Shops suspended now"),
        {"state": ShopState.SUSPENDED},
        _("Shops suspended for rectification and not yet reopened."),
    ),
):
    register(
        Figure(
            key=key,
            label=label,
            unit=SHOPS,
            kind=Kind.SNAPSHOT,
            practice=PRACTICE,
            rows=_holding(**state),
            columns=SHOP_COLUMNS,
            description=description,
        )
    )
register(
    completeness_figure(
        DAILY_INSPECTION,
        key="markets.daily_coverage",
        label=_("Daily inspection coverage (每日最少过一遍)"),
        practice=PRACTICE,
        description=_("Shops inspected as a share of the open and suspended shops owed an inspection each day."),
    )
)
register(
    missing_figure(
        DAILY_INSPECTION,
        key="markets.not_inspected",
        label=_("Shops not yet inspected today"),
        practice=PRACTICE,
        unit=SHOPS,
        description=_("Shops owed today's inspection (每日最少过一遍) that have none yet, with their team."),
    )
)
register(
    Figure(
        key="markets.shops",
        label=_("Shops under inspection (三小门店)"),
        unit=SHOPS,
        kind=Kind.SNAPSHOT,
        practice=PRACTICE,
        rows=_holding(state__in=(ShopState.OPEN, ShopState.SUSPENDED)),
        columns=SHOP_COLUMNS,
        description=_("Shops open or suspended now: those the daily inspection covers (closed ones are left out)."),
    )
)
register_section(
    Section(
        practice=PRACTICE,
        unit="区市场监管局",
        headline="区市场监管局建立疫情防控“红黑旗”评定机制",
        text=(
            "面对严峻复杂的疫情态势，区市场监管局积极推行商户防疫“红黑旗”评定机制，组织人员下沉分包镇办，"
            "采取“每日最少过一遍”的检查模式，加强对全区{商户}家“三小门店”防疫措施进行督导检查，"
            "对疫情防控措施落实到位的商户给予红旗表扬，对疫情防控措施落实不到位的商户给予黑旗批评，"
            "对严重未按要求落实的商户，勒令停业整改，待验收通过后才能继续经营。"
            "目前，共出动执法人员{人次}人次，检查商户{家次}家次，发放黑旗商户{黑旗}家，责令停业整改{停业}家。"
        ),
        figures={
            "商户": "markets.shops",
            "人次": "markets.inspectors_out",
            "家次": "markets.inspections",
            "黑旗": "markets.black_flag_shops",
            "停业": "markets.suspended_shops",
        },
        order=30,
    )
)
