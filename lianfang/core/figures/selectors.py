"""Reading figures and their drill-downs, for a user's scope, a period and a region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope

from .registry import Column, Figure, FigureValue, Period, registry
from .rollups import reads_sensitive, rolled_series, rolled_values, rollup_regions


def _check_region(scope: Scope, region: Region) -> None:
    if not scope.covers_region(region):
        raise PermissionDenied(_("This region is outside your jurisdiction."))


def _figures(keys: list[str] | None) -> list[Figure]:
    return registry.all() if not keys else [f for f in registry.all() if f.key in keys]


def _values(
    scope: Scope, period: Period, regions: list[Region], figures: list[Figure]
) -> dict[tuple[str, int], FigureValue]:
    """Each figure's value in each region: additive figures from the daily roll-ups where the
    scope sees every record of a roll-up region, everything else live."""
    rollup_ids = {r.pk for r in rollup_regions()}
    values: dict[tuple[str, int], FigureValue] = {}
    rolled: dict[tuple[bool, int], list[Figure]] = {}
    for figure in figures:
        for region in regions:
            if (
                figure.additive
                and region.pk in rollup_ids
                and scope.sees_all_in(region, sensitive=reads_sensitive(figure))
            ):
                rolled.setdefault((figure.sensitive, region.pk), []).append(figure)
            else:
                values[(figure.key, region.pk)] = figure.compute(period, region, scope)
    by_region = {r.pk: r for r in regions}
    groups: dict[tuple[str, ...], list[Region]] = {}
    for (_sensitive, region_pk), group in rolled.items():
        groups.setdefault(tuple(f.key for f in group), []).append(by_region[region_pk])
    for keys, group_regions in groups.items():
        group_figures = [f for f in figures if f.key in keys]
        values.update(rolled_values(group_figures, period, group_regions, scope))
    return values


def figure_values(*, scope: Scope, period: Period, region: Region, keys: list[str] | None = None) -> list[FigureValue]:
    """Every registered figure (or those named) for the period and region, within the scope."""
    _check_region(scope, region)
    figures = _figures(keys)
    values = _values(scope, period, [region], figures)
    return [values[(f.key, region.pk)] for f in figures]


@dataclass(frozen=True)
class DrillDown:
    figure: Figure
    value: FigureValue
    columns: tuple[Column, ...]
    rows: QuerySet[Any]
    denominator_rows: QuerySet[Any] | None

    def table(self, queryset: Any) -> list[list[Any]]:
        """The columns of these rows (a queryset, or a page of one), in the figure's order."""
        paths = [c.path for c in self.columns]
        if not any(c.choices for c in self.columns):
            return [list(row) for row in queryset.values_list(*paths)]
        return [
            [c.show(value) for c, value in zip(self.columns, row, strict=True)] for row in queryset.values_list(*paths)
        ]

    def labelled_table(self, queryset: Any) -> list[list[tuple[Any, Any]]]:
        """The same rows, each cell with its column's label (a phone shows the label beside the value)."""
        labels = [c.label for c in self.columns]
        return [list(zip(labels, row, strict=True)) for row in self.table(queryset)]


def figure_drill_down(*, scope: Scope, key: str, period: Period, region: Region) -> DrillDown | None:
    """The rows behind one figure (both lists for a rate), in the viewer's scope."""
    figure = registry.get(key)
    if figure is None:
        return None
    _check_region(scope, region)
    rows = figure.numerator_rows(period, region, scope).order_by("pk")
    denominator = figure.denominator_rows(period, region, scope)
    return DrillDown(
        figure=figure,
        value=figure.compute(period, region, scope),
        columns=figure.columns,
        rows=rows,
        denominator_rows=denominator.order_by("pk") if denominator is not None else None,
    )


def figure_values_by_region(
    *, scope: Scope, period: Period, region: Region, keys: list[str] | None = None
) -> tuple[list[Region], dict[str, list[FigureValue]]]:
    """The figures for each region directly under `region` (or `region` itself, if nothing lies under
    it), within the scope: the regions in code order, and each figure's values in that order."""
    _check_region(scope, region)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    regions = children or [region]
    figures = _figures(keys)
    at_once: dict[str, dict[int, FigureValue]] = {}
    if children:
        for figure in figures:
            found = figure.compute_by_region(period, region, scope)
            if found is not None and all(r.pk in found for r in regions):
                at_once[figure.key] = found
    values = _values(scope, period, regions, [f for f in figures if f.key not in at_once])
    for key, found in at_once.items():
        values.update({(key, r.pk): found[r.pk] for r in regions})
    return regions, {f.key: [values[(f.key, r.pk)] for r in regions] for f in figures}


# A trend is drawn over at most this many days (the period's last ones): a line of a year's days
# is unreadable on a phone, and each day off the roll-ups is a query.
TREND_DAYS = 31


def figure_series(
    *, scope: Scope, period: Period, region: Region, keys: list[str]
) -> tuple[Period, dict[str, list[FigureValue]]]:
    """Additive figures day by day over the period's last TREND_DAYS days, within the scope: from the
    roll-ups where the scope sees every record of a roll-up region, else live day by day. Returns
    the days drawn and each figure's values on them."""
    _check_region(scope, region)
    start = max(period.start, period.end - dt.timedelta(days=TREND_DAYS - 1))
    shown = Period(start, period.end)
    figures = [f for f in _figures(keys) if f.additive]
    rollup_ids = {r.pk for r in rollup_regions()}
    stored = [f for f in figures if region.pk in rollup_ids and scope.sees_all_in(region, sensitive=reads_sensitive(f))]
    series = rolled_series(stored, shown, region, scope) if stored else {}
    days = [shown.start + dt.timedelta(days=n) for n in range((shown.end - shown.start).days + 1)]
    for figure in figures:
        if figure.key not in series:
            series[figure.key] = [figure.from_parts(*figure.parts(Period.day(d), region, scope)) for d in days]
    return shown, {f.key: series[f.key] for f in figures}
