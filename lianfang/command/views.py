"""The district command view: every registered figure for a period and region, with drill-downs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lianfang.core.figures.forms import PeriodRegionForm
from lianfang.core.figures.selectors import figure_drill_down, figure_values
from lianfang.core.regions.scoping import scope_for
from lianfang.core.regions.selectors import default_region, regions_in_scope


def _form(request: HttpRequest) -> PeriodRegionForm:
    form = PeriodRegionForm(request.GET, default_region=default_region(request.user))
    form.is_valid()
    return form


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    values = []
    if not form.errors:
        values = figure_values(scope=scope_for(request.user), period=form.period, region=form.cleaned_data["region"])
    return render(
        request,
        "command/figures.html",
        {"form": form, "values": values, "regions": regions_in_scope(request.user)},
    )


@login_required
def figure_rows(request: HttpRequest, key: str) -> HttpResponse:
    form = _form(request)
    if form.errors:
        return render(
            request,
            "command/figures.html",
            {"form": form, "values": [], "regions": regions_in_scope(request.user)},
            status=400,
        )
    drill = figure_drill_down(
        scope=scope_for(request.user), key=key, period=form.period, region=form.cleaned_data["region"]
    )
    if drill is None:
        raise Http404
    return render(
        request,
        "command/figure_rows.html",
        {
            "form": form,
            "drill": drill,
            "rows": drill.table(drill.rows[:2000]),
            "denominator_rows": drill.table(drill.denominator_rows[:2000])
            if drill.denominator_rows is not None
            else None,
        },
    )
