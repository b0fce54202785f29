from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets

from .models import AuditEvent
from .selectors import audit_event_list


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor_name",
            "membership_id",
            "ip",
            "verb",
            "target_type",
            "target_id",
            "target_repr",
            "region_code",
            "before",
            "after",
            "outcome",
            "detail",
        ]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """The audit log, for auditors within their jurisdiction. Values of personal data are masked."""

    serializer_class = AuditEventSerializer
    filterset_fields = ["verb", "outcome", "target_type", "target_id"]
    audit_name = "audit.list"
    queryset = AuditEvent.objects.none()  # for the schema; requests read through the selector

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        return audit_event_list(self.request.user)
