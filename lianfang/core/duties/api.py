"""/api/v1/duties/ and /api/v1/duty-submissions/: the duties, their completeness and missing
lists, submissions (resent safely with a client id), exemptions and reminders. Scoped and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lianfang.core.api.answers import JSONAnswers, json_answer
from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.api.fields import ClientIdField
from lianfang.core.api.params import day as day_param
from lianfang.core.api.params import refusal, region_prefix
from lianfang.core.api.serializers import FlatSerializer
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import scope_for

from .models import ExemptionReason, Submission
from .rules import Duty, all_duties, get_duty
from .selectors import Counts, Missing, completeness, missing, submission_list
from .services import duty_exempt, duty_remind, duty_submit

# A completeness period of at most a year: every day of it is looked at.
LONGEST_PERIOD = 366


class SessionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as DRF names its attribute
    # The local time of day in Asia/Shanghai ("08:30"): a time without an offset, which the
    # schema's "time" format (RFC 3339, with an offset) would not describe.
    due = serializers.RegexField(r"^\d{2}:\d{2}$", help_text="HH:MM, Asia/Shanghai")


class DutySerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named as DRF names its attribute
    subject_label = serializers.CharField()
    sessions = SessionSerializer(many=True)


def duty_data(duty: Duty) -> dict[str, Any]:
    return {
        "key": duty.key,
        "label": str(duty.label),
        "subject_label": str(duty.subject_label),
        "sessions": [{"key": s.key, "label": str(s.label), "due": s.due.strftime("%H:%M")} for s in duty.sessions],
    }


class CompletenessCountsSerializer(serializers.Serializer):
    expected = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    waiting = serializers.IntegerField()
    exempt = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)


class RegionCompletenessCountsSerializer(CompletenessCountsSerializer):
    region = serializers.CharField()
    region_name = serializers.CharField()


class CompletenessSerializer(serializers.Serializer):
    duty = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    total = CompletenessCountsSerializer()
    by_region = RegionCompletenessCountsSerializer(many=True)


def counts_data(counts: Counts) -> dict[str, Any]:
    return {
        "expected": counts.expected,
        "on_time": counts.on_time,
        "late": counts.late,
        "missing": counts.missing,
        "waiting": counts.waiting,
        "exempt": counts.exempt,
        "rate": str(counts.rate) if counts.rate is not None else None,
    }


class MissingSerializer(serializers.Serializer):
    subject = serializers.IntegerField(help_text="The roster entry to submit for.")
    name = serializers.CharField()
    region = serializers.CharField()
    region_name = serializers.CharField()
    day = serializers.DateField()
    session = serializers.CharField()
    event = serializers.IntegerField(allow_null=True)
    due = serializers.DateTimeField()
    responsible = serializers.CharField()


def missing_data(items: list[Missing]) -> list[dict[str, Any]]:
    dues: dict[dt.datetime, str] = {}  # rows share a handful of due times: each written once
    out = []
    for item in items:
        due = dues.get(item.due)
        if due is None:
            due = dues[item.due] = timezone.localtime(item.due).isoformat()
        out.append(
            {
                "subject": item.subject_id,
                "name": item.name,
                "region": item.region_code,
                "region_name": item.region_name,
                "day": item.day.isoformat(),
                "session": item.session,
                "event": item.event_id,
                "due": due,
                "responsible": item.responsible,
            }
        )
    return out


class RemindSerializer(serializers.Serializer):
    subject = serializers.IntegerField(min_value=1, max_value=2**53)
    day = serializers.DateField()
    session = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")


class DutyRemindedSerializer(serializers.Serializer):
    told = serializers.IntegerField()


def _region(request: Request) -> Region | None:
    prefix = region_prefix(request.query_params)
    if prefix is None:
        return None
    region = Region.objects.filter(code=str(request.query_params.get("region"))).first()
    if region is None or not scope_for(request.user).covers_region(region):
        raise refusal("region", _("This region is not in your jurisdiction."))
    return region


class DutyViewSet(viewsets.ViewSet):
    """The duties the practices owe, and for each what is complete and what is missing."""

    lookup_field = "key"
    audit_name = "duties"
    lookup_value_regex = r"[a-z0-9_.]{1,48}"
    content_negotiation_class = JSONAnswers

    def _duty(self, key: str | None) -> Duty:
        duty = get_duty(str(key or ""))
        if duty is None:
            from django.http import Http404

            raise Http404
        return duty

    @extend_schema(responses={200: DutySerializer(many=True)})
    def list(self, request: Request) -> Response:
        return Response([duty_data(d) for d in all_duties()])

    @extend_schema(responses={200: DutySerializer, 404: ErrorSerializer})
    def retrieve(self, request: Request, key: str | None = None) -> Response:
        return Response(duty_data(self._duty(key)))

    @extend_schema(
        parameters=[
            OpenApiParameter("from", dt.date, description="first day (default today)"),
            OpenApiParameter("to", dt.date, description="last day (default the first)"),
            OpenApiParameter("region", str, description="12-digit region code"),
        ],
        responses={200: CompletenessSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["get"])
    def completeness(self, request: Request, key: str | None = None) -> Response:
        duty = self._duty(key)
        start = day_param(request.query_params, "from") or timezone.localdate()
        end = day_param(request.query_params, "to") or start
        if end < start:
            raise refusal("to", _("The last day comes before the first."))
        if (end - start).days >= LONGEST_PERIOD:
            raise refusal("to", _("A period of at most a year."))
        result = completeness(request.user, duty, start, end, region=_region(request))
        return Response(
            {
                "duty": duty.key,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "total": counts_data(result.total),
                "by_region": [{"region": r.code, "region_name": r.name, **counts_data(c)} for r, c in result.by_region],
            }
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("day", dt.date, description="the day (default today)"),
            OpenApiParameter("region", str, description="12-digit region code"),
        ],
        responses={200: MissingSerializer(many=True), 400: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["get"])
    def missing(self, request: Request, key: str | None = None) -> Response:
        """What is due and not submitted now, by region and responsible party."""
        duty = self._duty(key)
        when = day_param(request.query_params, "day") or timezone.localdate()
        return Response(missing_data(missing(request.user, duty, when, region=_region(request))))

    @extend_schema(
        request=RemindSerializer,
        responses={200: DutyRemindedSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, key: str | None = None) -> Response:
        """Remind the responsible party of one missing obligation (at most once an hour each)."""
        duty = self._duty(key)
        incoming = RemindSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        told = duty_remind(actor=request.user, duty_key=duty.key, **incoming.validated_data)
        return Response({"told": told})


class SubmissionSerializer(FlatSerializer):
    id = serializers.IntegerField(read_only=True)
    duty = serializers.CharField(read_only=True)
    subject = serializers.IntegerField(help_text="The roster entry (from the missing list or the roster).")
    day = serializers.DateField(required=False, allow_null=True, help_text="The period's day (not for an event duty).")
    session = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    event = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**53)
    zero_report = serializers.BooleanField(default=False, help_text="零报告: nothing to report, still counted.")
    content = serializers.JSONField(required=False, default=dict)
    client_id = ClientIdField()
    late = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True)


def submission_data(s: Submission) -> dict[str, Any]:
    """A submission as the API shows it; the content of a duty whose content is sensitive (a class's
    students' health) is left out: the practice's own pages show it to those who may read it."""
    rule = get_duty(s.duty)
    return {
        "id": s.pk,
        "duty": s.duty,
        "subject": s.subject_id,
        "day": s.day.isoformat(),
        "session": s.session,
        "event": s.event_id,
        "zero_report": s.zero_report,
        "content": {} if rule is not None and rule.sensitive_content else s.content,
        "client_id": str(s.client_id) if s.client_id else None,
        "late": s.late,
        "version": s.version,
        "submitted_at": timezone.localtime(s.submitted_at).isoformat(),
    }


class SubmissionViewSet(viewsets.GenericViewSet[Submission]):
    """Submissions: one per obligation; a second is a correction (the first stays in the history)."""

    serializer_class = SubmissionSerializer
    queryset = Submission.objects.none()
    audit_name = "duties"
    content_negotiation_class = JSONAnswers

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Submission.objects.none()
        return submission_list(self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("duty", str), OpenApiParameter("day", dt.date)],
        responses={200: SubmissionSerializer(many=True), 400: ErrorSerializer},
    )
    def list(self, request: Request) -> Response:
        rows = self.get_queryset()
        key = request.query_params.get("duty")
        if key:
            rows = rows.filter(duty=key[:48])
        when = day_param(request.query_params, "day")
        if when is not None:
            rows = rows.filter(day=when)
        page = self.paginate_queryset(rows.order_by("-recorded_at", "-pk"))
        return self.get_paginated_response([submission_data(s) for s in (page or [])])

    @extend_schema(
        request=SubmissionSerializer,
        responses={
            201: SubmissionSerializer,
            200: SubmissionSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def create(self, request: Request) -> HttpResponse:
        incoming = SubmissionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        if values.get("day") is None and values.get("event") is None:
            raise refusal("day", _("Give the day (or the event) the report is for."))
        submission, created = duty_submit(
            actor=request.user,
            subject=values["subject"],
            day=values.get("day"),
            session=values["session"],
            event=values.get("event"),
            zero_report=values["zero_report"],
            content=values["content"],
            client_id=values["client_id"],
        )
        return json_answer(submission_data(submission), status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ExemptionSerializer(serializers.Serializer):
    subject = serializers.IntegerField(min_value=1, max_value=2**53)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=ExemptionReason.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ExemptionViewSet(viewsets.GenericViewSet[Any]):
    """Exempt a subject from its duty for a span of days, with the reason."""

    serializer_class = ExemptionSerializer
    audit_name = "duties"
    content_negotiation_class = JSONAnswers

    @extend_schema(
        request=ExemptionSerializer, responses={201: ExemptionSerializer, 400: ErrorSerializer, 403: ErrorSerializer}
    )
    def create(self, request: Request) -> HttpResponse:
        incoming = ExemptionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        exemption = duty_exempt(actor=request.user, **incoming.validated_data)
        body = {
            "subject": incoming.validated_data["subject"],
            "starts_on": exemption.starts_on.isoformat(),
            "ends_on": exemption.ends_on.isoformat(),
            "reason": exemption.reason,
            "note": exemption.note,
        }
        return json_answer(body, status.HTTP_201_CREATED)
