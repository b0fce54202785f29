from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from .filters import audit_filters
from .models import AuditEvent, Outcome
from .selectors import audit_event_search


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = serializers.IntegerField(source="actor_id", allow_null=True, read_only=True)
    actor_label = serializers.CharField(
        read_only=True, help_text="The account's full name, a system actor's label, or the name given unsigned-in"
    )
    verb_label = serializers.CharField(read_only=True, help_text="The action in the reader's language")
    target_type_label = serializers.CharField(read_only=True, help_text="The record type in the reader's language")
    detail_label = serializers.CharField(read_only=True, help_text="The detail, its fixed phrase translated")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "actor_label",
            "membership_id",
            "ip",
            "verb",
            "verb_label",
            "target_type",
            "target_type_label",
            "target_id",
            "target_repr",
            "region_code",
            "before",
            "after",
            "outcome",
            "detail",
            "detail_label",
        ]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """The audit log, for auditors within their jurisdiction, newest first. Values of personal
    data are masked. Filter by person, action, result, record and period."""

    serializer_class = AuditEventSerializer
    audit_name = "audit.list"
    queryset = AuditEvent.objects.none()  # for the schema; requests read through the selector
    filter_backends: list[Any] = []  # the filters are parsed by filters.audit_filters

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        user = self.request.user
        return audit_event_search(user, audit_filters(user, self.request.query_params))

    @extend_schema(
        parameters=[
            OpenApiParameter("actor", int, description="An account's id: what this person did"),
            OpenApiParameter(
                "person", str, description="Part of a name or user name (accounts, and system actors by their label)"
            ),
            OpenApiParameter("verb", str, description="An action's code, as in `verb` (e.g. case.accept)"),
            OpenApiParameter("outcome", str, enum=Outcome.values),
            OpenApiParameter("target_type", str, description="A record type, as in `target_type` (e.g. cases.case)"),
            OpenApiParameter("target_id", int, description="A record's id; needs target_type"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (Asia/Shanghai)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (Asia/Shanghai), included"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)
