"""/api/v1/enterprise-problems/ and /api/v1/guidance-visits/: what the phones of enterprise
contacts and staff send, with client ids (resends return the first record), scoped and audited.
/api/v1/task-forces/: each subdistrict's enterprise task force, its members and the enterprises it
covers, kept by the subdistrict's staff."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lianfang.core.api.answers import resend_answer
from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.api.fields import ClientIdField, RegionCodeField
from lianfang.core.api.lookups import MAX_ID, record_id
from lianfang.core.api.params import refusal, unit_in_scope
from lianfang.core.api.viewsets import ScopedRecords
from lianfang.core.units.models import Unit

from . import services
from .models import EnterpriseProblem, GuidanceVisit, ProblemCategory, TaskForce, TaskForceMember
from .selectors import (
    assignment_list,
    coverage_of,
    enterprises_covered,
    problem_list,
    staff_for_task_force,
    task_force_list,
    task_force_members,
    visit_list,
)


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
    client_id = ClientIdField()
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    category = serializers.ChoiceField(choices=ProblemCategory.choices)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    # Required, but refused by the service (problem_report), so that the page and the API say the same.
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    confirmed = serializers.BooleanField(
        required=False, default=False, help_text="The reporter confirms that the report is accurate (required)."
    )


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
            confirmed=v["confirmed"],
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
    client_id = ClientIdField()
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


class TaskForceMemberSerializer(serializers.ModelSerializer[TaskForceMember]):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = TaskForceMember
        fields = ["user", "username", "full_name", "duty"]
        read_only_fields = fields


class CoveredEnterpriseSerializer(serializers.ModelSerializer[Unit]):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "credit_code", "region_code"]
        read_only_fields = fields


class TaskForceSerializer(serializers.ModelSerializer[TaskForce]):
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    department = serializers.CharField(source="department.name", read_only=True, default=None, allow_null=True)
    members = TaskForceMemberSerializer(many=True, read_only=True)
    enterprises = serializers.SerializerMethodField()

    class Meta:
        model = TaskForce
        fields = ["id", "name", "region_code", "region_name", "department", "members", "enterprises"]
        read_only_fields = fields

    @extend_schema_field(CoveredEnterpriseSerializer(many=True))
    def get_enterprises(self, force: TaskForce) -> Any:
        units = enterprises_covered(self.context["request"].user, force)
        return CoveredEnterpriseSerializer(units, many=True).data


class TaskForceCreateSerializer(serializers.Serializer):
    region = RegionCodeField(help_text="The subdistrict's or town's 12-digit division code")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class MemberAddSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The account's id")
    duty = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class CoverSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The enterprise's id")


REFUSED = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class TaskForceViewSet(ScopedRecords, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[TaskForce]):
    """Enterprise task forces (专班) in your jurisdiction, their members and the enterprises they cover.
    The subdistrict's staff set one up and keep it; everyone else who may see it reads it."""

    serializer_class = TaskForceSerializer
    queryset = TaskForce.objects.none()
    audit_name = "task_forces"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return TaskForce.objects.none()
        return self.visible().prefetch_related("members__user").order_by("region__code", "id")

    def visible(self) -> Any:
        return task_force_list(self.request.user)

    def _answer(self, force: TaskForce, code: int = status.HTTP_200_OK) -> Response:
        force = self.get_queryset().get(pk=force.pk)
        return Response(TaskForceSerializer(force, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=TaskForceCreateSerializer, responses={201: TaskForceSerializer, **REFUSED})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TaskForceCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        force = services.task_force_create(actor=request.user, region=v["region"], name=v["name"])
        return self._answer(force, status.HTTP_201_CREATED)

    @extend_schema(
        request=MemberAddSerializer,
        responses={201: TaskForceMemberSerializer, 200: TaskForceMemberSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="members")
    def members(self, request: Request, pk: str | None = None) -> Response:
        """Add staff serving in the subdistrict (again: only the duty changes; 200)."""
        force = self.get_object()
        incoming = MemberAddSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        # Only staff the caller could pick on the page: an id outside them is refused without a name.
        user = staff_for_task_force(request.user, force).filter(pk=v["user"]).first()
        if user is None:
            raise refusal("user", _("No such staff member serves in %(region)s.") % {"region": force.region.name})
        member, created = services.task_force_member_add(
            actor=request.user, task_force=force, user=user, duty=v["duty"]
        )
        return resend_answer(TaskForceMemberSerializer(member).data, created)

    @extend_schema(
        request=None,
        responses={204: None, **REFUSED},
        parameters=[OpenApiParameter("user_id", int, OpenApiParameter.PATH, description="The member's account id")],
    )
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<user_id>[^/.]+)")
    def member_remove(self, request: Request, pk: str | None = None, user_id: str | None = None) -> Response:
        force = self.get_object()
        member = task_force_members(force).filter(user_id=record_id(user_id)).first()
        if member is None:
            raise Http404
        services.task_force_member_remove(actor=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=CoverSerializer,
        responses={201: CoveredEnterpriseSerializer, 200: CoveredEnterpriseSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="enterprises")
    def enterprises(self, request: Request, pk: str | None = None) -> Response:
        """Cover an enterprise of the subdistrict (again: nothing changes; 200)."""
        force = self.get_object()
        incoming = CoverSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        unit = unit_in_scope(request.user, incoming.validated_data["unit"], "unit")
        assert unit is not None  # the serializer requires the id
        link, created = services.task_force_cover(actor=request.user, task_force=force, unit=unit)
        return resend_answer(CoveredEnterpriseSerializer(link.unit).data, created)

    @extend_schema(
        request=None,
        responses={204: None, **REFUSED},
        parameters=[OpenApiParameter("unit_id", int, OpenApiParameter.PATH, description="The enterprise's id")],
    )
    @action(detail=True, methods=["delete"], url_path=r"enterprises/(?P<unit_id>[^/.]+)")
    def enterprise_remove(self, request: Request, pk: str | None = None, unit_id: str | None = None) -> Response:
        force = self.get_object()
        link = coverage_of(force, record_id(unit_id))
        if link is None:
            raise Http404
        services.task_force_uncover(actor=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)
