from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.regions.scoping import scope_for
from lianfang.core.regions.selectors import default_region
from lianfang.core.replica import replica_reads

from .forms import PeriodRegionForm
from .selectors import figure_drill_down, figure_values

PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD); default today"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD); default the first day"),
    OpenApiParameter("region", OpenApiTypes.STR, description="12-digit division code; default your widest region"),
]


class FigureValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField()
    kind = serializers.CharField()
    practice = serializers.CharField()
    value = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True, coerce_to_string=False)
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    attention = serializers.BooleanField(
        help_text="Counts what is overdue or missing (the command view's attention items)."
    )
    target = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        coerce_to_string=False,
        help_text="A rate's target, in percent.",
    )


class FiguresSerializer(serializers.Serializer):
    region = serializers.CharField()
    figures = FigureValueSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        # "from" is a Python keyword, so these two are added here rather than declared above.
        return {"from": serializers.DateField(), "to": serializers.DateField(), **super().get_fields()}


class DrillDownSerializer(serializers.Serializer):
    figure = FigureValueSerializer()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))
    denominator_rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()), allow_null=True
    )


def _parse(request: Request) -> PeriodRegionForm:
    form = PeriodRegionForm(request.query_params, default_region=default_region(request.user))
    if not form.is_valid():
        raise exceptions.ValidationError(form.error_fields())
    return form


def _value_data(value: Any) -> dict[str, Any]:
    f = value.figure
    return {
        "key": f.key,
        "label": str(f.label),
        "unit": str(f.unit),
        "kind": f.kind.value,
        "practice": f.practice,
        "value": value.value,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "attention": f.attention,
        "target": f.target,
    }


class FigureListView(APIView):
    """Every registered figure for a period and a region, computed from the records in your scope."""

    audit_name = "figures.list"

    @extend_schema(
        parameters=[*PARAMETERS, OpenApiParameter("key", OpenApiTypes.STR, description="Only this figure")],
        responses={200: FiguresSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    @replica_reads
    def get(self, request: Request) -> Response:
        form = _parse(request)
        region = form.cleaned_data["region"]
        key = form.cleaned_data.get("key") or None
        values = figure_values(
            scope=scope_for(request.user), period=form.period, region=region, keys=[key] if key else None
        )
        return Response(
            {
                "from": form.period.start,
                "to": form.period.end,
                "region": region.code,
                "figures": [_value_data(v) for v in values],
            }
        )


class FigureRowsView(APIView):
    """The rows behind one figure (and its denominator's rows for a rate)."""

    audit_name = "figures.rows"

    @extend_schema(
        parameters=PARAMETERS, responses={200: DrillDownSerializer, 400: ErrorSerializer, 404: ErrorSerializer}
    )
    @replica_reads
    def get(self, request: Request, key: str) -> Response:
        form = _parse(request)
        drill = figure_drill_down(
            scope=scope_for(request.user), key=key, period=form.period, region=form.cleaned_data["region"]
        )
        if drill is None:
            raise Http404
        return Response(
            {
                "figure": _value_data(drill.value),
                "columns": [str(c.label) for c in drill.columns],
                "rows": drill.table(drill.rows),
                "denominator_rows": drill.table(drill.denominator_rows) if drill.denominator_rows is not None else None,
            }
        )
