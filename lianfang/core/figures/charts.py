"""The data of a chart that templates/charts/_chart.html hands to static/js/charts.js.

A page builds a Chart (bars, or a line over days), puts it in its context and includes the
partial; the numbers travel in a json_script element, so the page keeps its strict content
security policy. Series share the categories; the chart shows one series at a time (its legend
switches between them), so series with different units never share an axis. A series may carry
a target per category (a rate's 100%), drawn as a mark beside its bar.
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
class Series:
    name: str
    unit: str
    values: list[float | int | None]
    targets: list[float | int | None] | None = None
    # Each value's drill-down page, in the order of the values: a click on a bar or point opens it.
    links: list[str] | None = None


@dataclass(frozen=True)
class Chart:
    element_id: str  # the id of the chart's element; its data is in "<element_id>-data"
    title: str
    categories: list[str]
    series: list[Series] = field(default_factory=list)
    kind: str = "bar"  # "bar": one bar per category, lying down; "line": one point per day

    @property
    def data_id(self) -> str:
        return f"{self.element_id}-data"

    @property
    def data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "categories": self.categories,
            "series": [
                {"name": s.name, "unit": s.unit, "values": s.values, "targets": s.targets, "links": s.links}
                for s in self.series
            ],
        }


def _number(value: int | Decimal | None) -> float | int | None:
    # json_script writes a Decimal as a string; the chart needs numbers.
    return float(value) if isinstance(value, Decimal) else value


def number(value: int | Decimal | None) -> float | int | None:
    return _number(value)


def figures_by_region_chart(
    element_id: str,
    title: str,
    regions: list[Region],
    figures: list[Figure],
    values: dict[str, list[FigureValue]],
    links: dict[str, list[str]] | None = None,
) -> Chart:
    """One bar per region, one series per figure (drawn one at a time)."""
    return Chart(
        element_id=element_id,
        title=title,
        categories=[r.name for r in regions],
        series=[
            Series(
                str(f.label),
                str(f.unit),
                [_number(v.value) for v in values[f.key]],
                links=links.get(f.key) if links else None,
            )
            for f in figures
            if f.key in values
        ],
    )


def practice_label(practice: str) -> str | Promise:
    """A practice's name: its app's verbose name, or 综合 for the registries' own figures."""
    for name in (f"lianfang.{practice}", f"lianfang.core.{practice}"):
        if apps.is_installed(name):
            return apps.get_app_config(practice).verbose_name
    return pgettext_lazy("practice", "General")
