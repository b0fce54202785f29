"""/api/v1/enterprise-problems/ and /api/v1/guidance-visits/: what the phones of enterprise
contacts and staff send, with client ids (resends return the first record), scoped and audited."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lianfang.core.api.answers import resend_answer
from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.api.lookups import MAX_ID
from lianfang.core.api.params import refusal, unit_in_scope
from lianfang.core.api.viewsets import ScopedRecords

from . import services
from .models import EnterpriseProblem, GuidanceVisit, ProblemCategory
from .selectors import assignment_list, problem_list, visit_list


class ProblemSerializer(serializers.ModelSerializer[EnterpriseProblem]):
    id = serializers.IntegerField(source="pk", read_only=True)
    title = serializers.CharField(source="case.title", read_only=True)
    unit = serializers.IntegerField(source="case.unit_id", read_only=True)
    unit_name = serializers.CharField(source="case.unit.name", read_only=True)
    state = serializers.CharField(source="case.state", read_only=True)
    state_label = serializers.CharField(source="case.state_label", read_only=True)
    is_closed = serializers.BooleanField(source="case.is_closed", read_only=True)
    outcome = serializers.CharField(source="case.outcome", read_only=True)
    version = serializers.IntegerField(source="case.version", read_only=True)

    class Meta:
        model = EnterpriseProblem
        fields = [
            "id", "title", "unit", "unit_name", "category", "state", "state_label", "is_closed", "outcome",
            "subsidy_amount", "loan_amount", "workers_placed", "materials_supplied", "version",
        ]  # fmt: skip
        read_only_fields = fields


class ProblemReportSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    category = serializers.ChoiceField(choices=ProblemCategory.choices)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ProblemCloseSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    outcome = serializers.CharField(max_length=5000)
    workers_placed = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=100_000
    )
    subsidy_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None, min_value=0
    )
    loan_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None, min_value=0
    )
    materials_supplied = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ProblemViewSet(ScopedRecords, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[EnterpriseProblem]):
    """Enterprises' problems in your jurisdiction (or of your own enterprise). Others answer 404."""

    serializer_class = ProblemSerializer
    queryset = EnterpriseProblem.objects.none()
    audit_name = "enterprise_problems"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return EnterpriseProblem.objects.none()
        return problem_list(self.request.user).order_by("-case__created_at", "-case_id")

    def visible(self) -> Any:
        return problem_list(self.request.user)

    @extend_schema(
        request=ProblemReportSerializer,
        responses={201: ProblemSerializer, 200: ProblemSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = ProblemReportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        unit = unit_in_scope(request.user, v["unit"], "unit")
        assert unit is not None  # the serializer requires the id
        problem, created = services.problem_report(
            actor=request.user,
            unit=unit,
            category=v["category"],
            title=v["title"],
            description=v["description"],
            client_id=v["client_id"],
        )
        return resend_answer(ProblemSerializer(problem).data, created)

    @extend_schema(
        request=ProblemCloseSerializer,
        responses={200: ProblemSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def finish(self, request: Request, pk: str | None = None) -> Response:
        problem = self.get_object()
        incoming = ProblemCloseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        problem = services.problem_finish(actor=request.user, problem=problem, **v)
        return Response(ProblemSerializer(problem).data)


class VisitSerializer(serializers.ModelSerializer[GuidanceVisit]):
    instructor_name = serializers.CharField(source="assignment.instructor.name", read_only=True)
    unit_name = serializers.CharField(source="assignment.unit.name", read_only=True)

    class Meta:
        model = GuidanceVisit
        fields = ["id", "assignment", "instructor_name", "unit_name", "visited_on", "notes"]
        read_only_fields = fields


class VisitLogSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    assignment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    visited_on = serializers.DateField()
    notes = serializers.CharField(max_length=2000)


class VisitViewSet(ScopedRecords, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[GuidanceVisit]):
    """Party-building instructors' guidance visits to the enterprises in your jurisdiction."""

    serializer_class = VisitSerializer
    queryset = GuidanceVisit.objects.none()
    audit_name = "guidance_visits"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return GuidanceVisit.objects.none()
        return visit_list(self.request.user).order_by("-visited_on", "-id")

    def visible(self) -> Any:
        return visit_list(self.request.user)

    @extend_schema(
        request=VisitLogSerializer,
        responses={201: VisitSerializer, 200: VisitSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = VisitLogSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        assignment = assignment_list(request.user).filter(pk=v["assignment"]).select_related("unit__region").first()
        if assignment is None:
            raise refusal("assignment", _("Instructor assignment not found, or outside your jurisdiction."))
        visit, created = services.visit_log(
            actor=request.user,
            assignment=assignment,
            visited_on=v["visited_on"],
            notes=v["notes"],
            client_id=v["client_id"],
        )
        return resend_answer(VisitSerializer(visit).data, created)
