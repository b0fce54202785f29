from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Department, Region
from .scoping import scope_for
from .selectors import department_list, membership_summaries, region_list


class RegionSerializer(serializers.ModelSerializer[Region]):
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent_code"]


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    region_code = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "code", "name", "kind", "region_code"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    """The jurisdiction tree (public administrative facts: every signed-in user may read it)."""

    serializer_class = RegionSerializer
    filterset_fields = ["level", "code"]
    lookup_field = "code"
    lookup_value_regex = r"\d{12}"
    audit_name = "regions"

    def get_queryset(self) -> Any:
        return region_list()


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    serializer_class = DepartmentSerializer
    filterset_fields = ["kind"]
    audit_name = "departments"

    def get_queryset(self) -> Any:
        return department_list()


class MembershipSummarySerializer(serializers.Serializer):
    role = serializers.CharField()
    region = serializers.CharField()
    department = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    region_prefixes = serializers.ListField(child=serializers.CharField())
    memberships = MembershipSummarySerializer(many=True)


class MeView(APIView):
    """Who the caller is and where they serve, computed through the scoping layer."""

    audit_name = "me"

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        scope = scope_for(user)
        # Built directly: MeSerializer documents the shape, but instantiating nested DRF
        # serializers would cost more than the whole answer on this hot path.
        return Response(
            {
                "username": user.get_username(),
                "full_name": getattr(user, "full_name", ""),
                "roles": sorted(scope.roles),
                "region_prefixes": scope.region_prefixes(),
                "memberships": [
                    {"role": m.role, "region": m.region, "department": m.department, "valid_until": m.valid_until}
                    for m in membership_summaries(user)
                ],
            }
        )
