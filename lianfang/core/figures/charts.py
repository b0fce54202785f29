"""The data of a bar chart that templates/charts/_bar.html hands to static/js/charts.js.

A page builds a BarChart, puts it in its context and includes the partial; the numbers travel in a
json_script element, so the page keeps its strict content security policy. Series share the
categories; the chart shows one series at a time (its legend switches between them), so series
with different units never share an axis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from lianfang.core.regions.models import Region

from .registry import Figure, FigureValue


@dataclass(frozen=True)
class BarSeries:
    name: str
    unit: str
    values: list[float | int | None]


@dataclass(frozen=True)
class BarChart:
    element_id: str  # the id of the chart's element; its data is in "<element_id>-data"
    title: str
    categories: list[str]
    series: list[BarSeries] = field(default_factory=list)

    @property
    def data_id(self) -> str:
        return f"{self.element_id}-data"

    @property
    def data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "categories": self.categories,
            "series": [{"name": s.name, "unit": s.unit, "values": s.values} for s in self.series],
        }


def _number(value: int | Decimal | None) -> float | int | None:
    # json_script writes a Decimal as a string; the chart needs numbers.
    return float(value) if isinstance(value, Decimal) else value


def figures_by_region_chart(
    element_id: str, title: str, regions: list[Region], figures: list[Figure], values: dict[str, list[FigureValue]]
) -> BarChart:
    """One bar per region, one series per figure (drawn one at a time)."""
    return BarChart(
        element_id=element_id,
        title=title,
        categories=[r.name for r in regions],
        series=[
            BarSeries(str(f.label), str(f.unit), [_number(v.value) for v in values[f.key]])
            for f in figures
            if f.key in values
        ],
    )


def practice_label(practice: str) -> str | Promise:
    """A practice's name: its app's verbose name, or 综合 for the registries' own figures."""
    if apps.is_installed(f"lianfang.{practice}"):
        return apps.get_app_config(practice).verbose_name
    return pgettext_lazy("practice", "General")
