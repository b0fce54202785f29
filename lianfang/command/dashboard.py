"""The parts of the district command page, built only from core.figures: what needs attention today
(with yesterday beside it), the rates against their targets, and each practice's figures for today
and the period with their comparison of regions and their trend over days. Every number carries
the link to its drill-down."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from lianfang.core.figures.charts import Chart, Series, figures_by_region_chart, number, practice_label
from lianfang.core.figures.registry import Figure, FigureValue, Kind, Period, registry
from lianfang.core.figures.selectors import figure_series, figure_values, figure_values_by_region
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope


def figure_link(key: str, period: Period, region: Region) -> str:
    """The drill-down page of one figure for a period and region."""
    query = urlencode({"from": period.start.isoformat(), "to": period.end.isoformat(), "region": region.code})
    return f"{reverse('command:figure-rows', args=[key])}?{query}"


@dataclass(frozen=True)
class AttentionItem:
    """A figure marked as an attention item, today and yesterday."""

    today: FigureValue
    yesterday: FigureValue
    today_link: str
    yesterday_link: str

    @property
    def figure(self) -> Figure:
        return self.today.figure

    @property
    def change(self) -> int | None:
        if self.today.value is None or self.yesterday.value is None:
            return None
        return int(self.today.value) - int(self.yesterday.value)


def attention_items(scope: Scope, region: Region, today: dt.date) -> list[AttentionItem]:
    """The attention figures with anything to attend to today or yesterday, the largest first."""
    keys = [f.key for f in registry.all() if f.attention]
    if not keys:
        return []
    day, before = Period.day(today), Period.day(today - dt.timedelta(days=1))
    now = figure_values(scope=scope, period=day, region=region, keys=keys)
    then = {v.figure.key: v for v in figure_values(scope=scope, period=before, region=region, keys=keys)}
    items = [
        AttentionItem(
            v, then[v.figure.key], figure_link(v.figure.key, day, region), figure_link(v.figure.key, before, region)
        )
        for v in now
        if v.value or then[v.figure.key].value
    ]
    return sorted(items, key=lambda item: -(item.today.value or 0))


@dataclass(frozen=True)
class Line:
    """One figure of a practice: the period's value, and today's when the period is not today."""

    value: FigureValue
    link: str
    today: FigureValue | None
    today_link: str


@dataclass(frozen=True)
class Practice:
    key: str
    label: str | Promise
    lines: list[Line]
    chart: Chart
    trend: Chart | None


def _day_label(day: dt.date) -> str:
    return _("%(month)d/%(day)d") % {"month": day.month, "day": day.day}


def _trend(key: str, label: Any, scope: Scope, period: Period, region: Region, figures: list[Figure]) -> Chart | None:
    additive = [f for f in figures if f.additive]
    if not additive or period.start == period.end:
        return None
    shown, series = figure_series(scope=scope, period=period, region=region, keys=[f.key for f in additive])
    days = [shown.start + dt.timedelta(days=n) for n in range((shown.end - shown.start).days + 1)]
    return Chart(
        element_id=f"trend-{key}",
        title=_("%(practice)s: by day") % {"practice": label},
        categories=[_day_label(d) for d in days],
        series=[
            Series(
                str(f.label),
                str(f.unit),
                [number(v.value) for v in series[f.key]],
                links=[figure_link(f.key, Period.day(d), region) for d in days],
            )
            for f in additive
        ],
        kind="line",
    )


def practices(scope: Scope, period: Period, region: Region, today: dt.date) -> list[Practice]:
    values = figure_values(scope=scope, period=period, region=region)
    today_period = Period.day(today)
    todays: dict[str, FigureValue] = {}
    if period != today_period:
        todays = {v.figure.key: v for v in figure_values(scope=scope, period=today_period, region=region)}
    regions, by_region = figure_values_by_region(scope=scope, period=period, region=region)
    region_links = {key: [figure_link(key, period, r) for r in regions] for key in by_region}
    result = []
    for key, group in groupby(values, key=lambda v: v.figure.practice):
        rows = list(group)
        label = practice_label(key)
        figures = [v.figure for v in rows]
        lines = [
            Line(
                v,
                figure_link(v.figure.key, period, region),
                todays.get(v.figure.key),
                figure_link(v.figure.key, today_period, region),
            )
            for v in rows
        ]
        chart = figures_by_region_chart(f"chart-{key}", str(label), regions, figures, by_region, region_links)
        result.append(Practice(key, label, lines, chart, _trend(key, label, scope, period, region, figures)))
    return result


def targets_chart(practice_list: list[Practice], period: Period, region: Region) -> Chart | None:
    """The rates that have a target, each against it (coverage and completeness against 100%)."""
    lines = [
        line
        for p in practice_list
        for line in p.lines
        if line.value.figure.kind == Kind.RATE and line.value.figure.target is not None
    ]
    if not lines:
        return None
    return Chart(
        element_id="chart-targets",
        title=_("Rates against their targets"),
        categories=[str(line.value.figure.label) for line in lines],
        series=[
            Series(
                _("Rate"),
                "%",
                [number(line.value.value) for line in lines],
                targets=[number(line.value.figure.target) for line in lines],
                links=[line.link for line in lines],
            )
        ],
    )
