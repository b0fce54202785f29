"""/api/v1/cases/: report (with a client id for phones), list, "my work", transitions,
assignment, comments, evidence. Scoped (404 outside the jurisdiction) and audited."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from lianfang.core.api.answers import JSONAnswers, json_answer
from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.api.fields import ClientIdField, RegionCodeField
from lianfang.core.api.lookups import MAX_ID
from lianfang.core.api.params import active_account, refusal, unit_in_scope
from lianfang.core.api.parsers import BoundedJSONParser
from lianfang.core.api.serializers import FlatSerializer
from lianfang.core.api.viewsets import ScopedRecords
from lianfang.core.people.selectors import person_list
from lianfang.core.regions.models import Department

from . import services
from .filters import case_filters
from .kinds import get_kind, kind_choices
from .models import Case, CaseAttachment, CaseEvent, Priority
from .selectors import case_list, case_search, case_timeline, my_work, reported_by_me
from .states import State


def _when(value: Any) -> str | None:
    # As DRF's DateTimeField writes it: ISO 8601 in the current time zone.
    return timezone.localtime(value).isoformat() if value is not None else None


def case_data(case: Case) -> dict[str, Any]:
    """A case as every answer shows it (CaseSerializer's fields), built directly: lists of fifty
    and the report path answer without constructing serializer fields for each case."""
    unit, department, owner_unit, assignee = case.unit, case.owner_department, case.owner_unit, case.assignee
    return {
        "id": case.pk,
        "kind": case.kind,
        "kind_label": case.kind_label,
        "title": case.title,
        "description": case.description,
        "state": case.state,
        "state_label": case.state_label,
        "is_closed": case.is_closed,
        "is_overdue": case.is_overdue,
        "priority": case.priority,
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "region": case.region.code,
        "region_name": case.region.name,
        "unit": case.unit_id,
        "unit_name": unit.name if unit else None,
        "person": case.person_id,
        "owner_department": case.owner_department_id,
        "owner_department_name": department.name if department else None,
        "owner_unit": case.owner_unit_id,
        "owner_unit_name": owner_unit.name if owner_unit else None,
        "assignee": case.assignee_id,
        "assignee_name": assignee.full_name if assignee else None,
        "outcome": case.outcome,
        "created_at": _when(case.created_at),
        "closed_at": _when(case.closed_at),
        "version": case.version,
    }


class CaseSerializer(serializers.ModelSerializer[Case]):
    kind_label = serializers.CharField(read_only=True)
    state_label = serializers.CharField(read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None, allow_null=True)
    owner_department_name = serializers.CharField(
        source="owner_department.name", read_only=True, default=None, allow_null=True
    )
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True, default=None, allow_null=True)
    assignee_name = serializers.CharField(source="assignee.full_name", read_only=True, default=None, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id", "kind", "kind_label", "title", "description", "state", "state_label", "is_closed", "is_overdue",
            "priority", "deadline", "region", "region_name", "unit", "unit_name", "person", "owner_department",
            "owner_department_name", "owner_unit", "owner_unit_name", "assignee", "assignee_name", "outcome",
            "created_at", "closed_at", "version",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance: Case) -> dict[str, Any]:
        return case_data(instance)


class CaseDetailSerializer(CaseSerializer):
    actions = serializers.SerializerMethodField(help_text="Transitions you may take now.")

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "actions"]
        read_only_fields = fields

    def to_representation(self, instance: Case) -> dict[str, Any]:
        return {**case_data(instance), "actions": self.get_actions(instance)}

    def get_actions(self, case: Case) -> list[str]:
        return [t.name for t in get_kind(case.kind).flow.offered(case, self.context["request"].user)]


class CaseReportSerializer(FlatSerializer):
    client_id = ClientIdField()
    kind = serializers.ChoiceField(choices=kind_choices())
    title = serializers.CharField(max_length=100)
    # Phones send null for an empty description: it is stored as empty text.
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, allow_null=True, default="")
    unit = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID)
    person = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID)
    region = RegionCodeField(required=False, allow_null=True, default=None)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


class CaseEditSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The version you read.")
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


class TransitionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=32, help_text="accept, start, finish, verify, return_to_owner …")
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The version you read.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    outcome = serializers.CharField(max_length=5000, required=False, allow_null=True, default=None)


class AssignSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    owner_department = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )
    owner_unit = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID)
    assignee = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CommentSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class EventSerializer(serializers.ModelSerializer[CaseEvent]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "at", "kind", "kind_label", "actor_name", "transition", "from_state", "to_state", "note"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer[CaseAttachment]):
    file_id = serializers.UUIDField(source="file.public_id", read_only=True)
    name = serializers.CharField(source="file.original_name", read_only=True)
    size = serializers.IntegerField(source="file.size", read_only=True)
    kind = serializers.CharField(source="file.kind", read_only=True)
    added_at = serializers.DateTimeField(source="event.at", read_only=True)

    class Meta:
        model = CaseAttachment
        fields = ["id", "file_id", "name", "size", "kind", "added_at"]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BulkSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["accept", "assign", "remind"])
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )
    owner_department = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )
    assignee = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID)


class BulkResultSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    refused = serializers.DictField(child=serializers.CharField())


def _department(pk: int | None) -> Department | None:
    if pk is None:
        return None
    department = Department.objects.filter(pk=pk).select_related("region").first()
    if department is None:
        raise refusal("owner_department", _("No such department."))
    return department


class CaseViewSet(ScopedRecords, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[Case]):
    """Cases in your jurisdiction, owned by your department or unit, or assigned to you. Others answer 404."""

    serializer_class = CaseSerializer
    queryset = Case.objects.none()
    http_method_names = ["get", "post", "put", "head", "options"]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    content_negotiation_class = JSONAnswers
    audit_name = "cases"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        filters = case_filters(self.request.query_params)
        return case_search(self.request.user, filters).order_by("-created_at", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=State.values),
            OpenApiParameter("kind", str),
            OpenApiParameter("owner_department", int),
            OpenApiParameter("region", str, description="A region code: the cases in it and below"),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("closed", bool),
            OpenApiParameter("unit", int, description="Cases about this organisation, or handed to it"),
            OpenApiParameter("person", int, description="Cases about this person"),
            OpenApiParameter("q", str, description="title, organisation, or #number"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def visible(self) -> Any:
        return case_list(self.request.user)

    @extend_schema(responses={200: CaseDetailSerializer, 404: ErrorSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(CaseDetailSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(
        request=CaseReportSerializer,
        responses={
            201: CaseSerializer,
            200: CaseSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]  # plain JSON
        incoming = CaseReportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        unit = unit_in_scope(request.user, values["unit"], "unit")
        person = None
        if values["person"] is not None:
            person = person_list(request.user).filter(pk=values["person"]).first()
            if person is None:
                raise refusal("person", _("Person not found, or outside your jurisdiction."))
        data = services.clean_case(
            kind=values["kind"],
            title=values["title"],
            description=values["description"],
            unit=unit,
            person=person,
            region=values["region"],
            deadline=values["deadline"],
            priority=values["priority"],
        )
        case, created = services.case_report(actor=request.user, data=data, client_id=values["client_id"])
        return json_answer(case_data(case), status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        request=CaseEditSerializer,
        responses={200: CaseSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        incoming = CaseEditSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        case = services.case_edit(
            actor=request.user,
            case=case,
            version=v["version"],
            title=v["title"],
            description=v["description"],
            deadline=v["deadline"],
            priority=v["priority"],
        )
        return Response(CaseSerializer(case).data)

    @extend_schema(
        request=TransitionSerializer,
        responses={200: CaseDetailSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        incoming = TransitionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        case = services.case_transition(
            actor=request.user, case=case, name=v["name"], version=v["version"], note=v["note"], outcome=v["outcome"]
        )
        return Response(CaseDetailSerializer(case, context={"request": request}).data)

    @extend_schema(
        request=AssignSerializer,
        responses={200: CaseSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        incoming = AssignSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        case = services.case_assign(
            actor=request.user,
            case=case,
            version=v["version"],
            owner_department=_department(v["owner_department"]),
            owner_unit=unit_in_scope(request.user, v["owner_unit"], "owner_unit"),
            assignee=active_account(v["assignee"], "assignee"),
            note=v["note"],
        )
        return Response(CaseSerializer(case).data)

    @extend_schema(request=CommentSerializer, responses={201: EventSerializer, 400: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        incoming = CommentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        event = services.case_comment(actor=request.user, case=case, note=incoming.validated_data["note"])
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: EventSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str | None = None) -> Response:
        return Response(EventSerializer(case_timeline(self.get_object()), many=True).data)

    @extend_schema(
        methods=["GET"], request=None, responses={200: AttachmentSerializer(many=True), 404: ErrorSerializer}
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": UploadSerializer},
        responses={201: AttachmentSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        case = self.get_object()
        if request.method == "GET":
            rows = case.attachments.select_related("file", "event")
            return Response(AttachmentSerializer(rows, many=True).data)
        incoming = UploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        attachment = services.case_attach(
            actor=request.user, case=case, upload=incoming.validated_data["file"], note=incoming.validated_data["note"]
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={(200, "application/octet-stream"): bytes, 404: ErrorSerializer},
        parameters=[OpenApiParameter("file_id", OpenApiTypes.UUID, location=OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<file_id>[^/]+)")
    def attachment(self, request: Request, pk: str | None = None, file_id: str = "") -> FileResponse:
        from lianfang.core.files.serving import file_response

        case = self.get_object()
        try:
            public_id = uuid.UUID(file_id)
        except ValueError as error:
            raise Http404 from error
        found = case.attachments.select_related("file").filter(file__public_id=public_id).first()
        if found is None:
            raise Http404
        return file_response(found.file)

    @extend_schema(responses={200: CaseSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="my-work")
    def my_work(self, request: Request) -> Response:
        page = self.paginate_queryset(my_work(request.user))
        return self.get_paginated_response([case_data(case) for case in page or []])

    @extend_schema(responses={200: CaseSerializer(many=True)})
    @action(detail=False, methods=["get"], url_path="reported-by-me")
    def reported_by_me(self, request: Request) -> Response:
        """The cases you reported (我上报的), open ones first, and where each stands."""
        page = self.paginate_queryset(reported_by_me(request.user))
        return self.get_paginated_response([case_data(case) for case in page or []])

    @extend_schema(request=BulkSerializer, responses={200: BulkResultSerializer, 400: ErrorSerializer})
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        incoming = BulkSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        department = _department(v["owner_department"])
        assignee = active_account(v["assignee"], "assignee")
        if v["action"] == "assign" and department is None and assignee is None:
            raise refusal("assignee", _("Choose a department or a person."))
        result = services.case_bulk(
            actor=request.user,
            cases=case_list(request.user).filter(pk__in=v["ids"]),
            action=v["action"],
            owner_department=department,
            assignee=assignee,
        )
        return Response({"done": result.done, "refused": {str(k): v for k, v in result.refused.items()}})
