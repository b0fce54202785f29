"""The district command view: every registered figure for a period and region, with drill-downs."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lianfang.core.figures.charts import BarChart, figures_by_region_chart, practice_label
from lianfang.core.figures.forms import PeriodRegionForm
from lianfang.core.figures.registry import FigureValue
from lianfang.core.figures.selectors import figure_drill_down, figure_values, figure_values_by_region
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope, scope_for
from lianfang.core.regions.selectors import default_region, regions_in_scope

ROWS_PER_PAGE = 100


def _form(request: HttpRequest) -> PeriodRegionForm:
    form = PeriodRegionForm(request.GET, default_region=default_region(request.user))
    form.is_valid()
    return form


def _period_context(form: PeriodRegionForm) -> dict[str, Any]:
    """The period the page covers (None when the query string is refused) and the presets, each
    marked when it is that period."""
    period = None if form.errors else form.period
    return {"period": period, "presets": [(p, p.period == period) for p in form.presets()]}


@dataclass(frozen=True)
class Practice:
    """One practice's part of the page: its figures' table and their chart by region."""

    key: str
    label: Any
    values: list[FigureValue]
    chart: BarChart


def _practices(scope: Scope, form: PeriodRegionForm, values: list[FigureValue]) -> list[Practice]:
    region: Region = form.cleaned_data["region"]
    regions, by_region = figure_values_by_region(scope=scope, period=form.period, region=region)
    practices = []
    for key, group in groupby(values, key=lambda v: v.figure.practice):
        rows = list(group)
        label = practice_label(key)
        chart = figures_by_region_chart(f"chart-{key}", str(label), regions, [v.figure for v in rows], by_region)
        practices.append(Practice(key, label, rows, chart))
    return practices


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    practices: list[Practice] = []
    if not form.errors:
        scope = scope_for(request.user)
        values = figure_values(scope=scope, period=form.period, region=form.cleaned_data["region"])
        practices = _practices(scope, form, values)
    return render(
        request,
        "command/figures.html",
        {"form": form, "practices": practices, "regions": regions_in_scope(request.user), **_period_context(form)},
    )


@login_required
def figure_rows(request: HttpRequest, key: str) -> HttpResponse:
    form = _form(request)
    if form.errors:
        return render(
            request,
            "command/figures.html",
            {"form": form, "practices": [], "regions": regions_in_scope(request.user), **_period_context(form)},
            status=400,
        )
    drill = figure_drill_down(
        scope=scope_for(request.user), key=key, period=form.period, region=form.cleaned_data["region"]
    )
    if drill is None:
        raise Http404
    page = Paginator(drill.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    denominator_page = None
    if drill.denominator_rows is not None:
        denominator_page = Paginator(drill.denominator_rows, ROWS_PER_PAGE).get_page(request.GET.get("dpage"))
    return render(
        request,
        "command/figure_rows.html",
        {
            "form": form,
            **_period_context(form),
            "drill": drill,
            "page": page,
            "rows": drill.labelled_table(page.object_list),
            "denominator_page": denominator_page,
            "denominator_rows": drill.labelled_table(denominator_page.object_list) if denominator_page else None,
        },
    )
