"""The district command view: every registered figure for a period and region, with drill-downs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lianfang.core.figures.forms import PeriodRegionForm
from lianfang.core.figures.selectors import figure_drill_down, figure_values
from lianfang.core.regions.scoping import scope_for
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


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    values = []
    if not form.errors:
        values = figure_values(scope=scope_for(request.user), period=form.period, region=form.cleaned_data["region"])
    return render(
        request,
        "command/figures.html",
        {"form": form, "values": values, "regions": regions_in_scope(request.user), **_period_context(form)},
    )


@login_required
def figure_rows(request: HttpRequest, key: str) -> HttpResponse:
    form = _form(request)
    if form.errors:
        return render(
            request,
            "command/figures.html",
            {"form": form, "values": [], "regions": regions_in_scope(request.user), **_period_context(form)},
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
            "rows": drill.table(page.object_list),
            "denominator_page": denominator_page,
            "denominator_rows": drill.table(denominator_page.object_list) if denominator_page else None,
        },
    )
