"""Reading figures and their drill-downs, for a user's scope, a period and a region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope

from .registry import Column, Figure, FigureValue, Period, registry


def _check_region(scope: Scope, region: Region) -> None:
    if not scope.covers_region(region):
        raise PermissionDenied(_("This region is outside your jurisdiction."))


def figure_values(*, scope: Scope, period: Period, region: Region, keys: list[str] | None = None) -> list[FigureValue]:
    """Every registered figure (or those named) for the period and region, within the scope."""
    _check_region(scope, region)
    figures = registry.all() if not keys else [f for f in registry.all() if f.key in keys]
    return [figure.compute(period, region, scope) for figure in figures]


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
    regions = list(Region.objects.filter(parent=region).order_by("code")) or [region]
    figures = registry.all() if not keys else [f for f in registry.all() if f.key in keys]
    return regions, {f.key: [f.compute(period, r, scope) for r in regions] for f in figures}
