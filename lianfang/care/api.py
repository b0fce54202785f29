"""/api/v1/households/, /api/v1/visits/ and /api/v1/service-orders/: the households a visitor may
knock on (found by address, a member's name, or a phone: its last four digits or the whole
number), the visits a phone sends (with a client id: a resend returns the first visit, other
content under the same id answers 409), and the service orders in your care.

Tags, relief and payments are sensitive: they are on the pages only, where each view is audited.
A counselling order is listed to its counsellor and the care lead only, and its content never
leaves the page.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from lianfang.core.api.answers import resend_answer
from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.api.fields import ClientIdField
from lianfang.core.api.lookups import MAX_ID
from lianfang.core.api.params import refusal
from lianfang.core.api.viewsets import ScopedRecords

from .models import Campaign, Household, Member, ServiceOrder, Visit
from .selectors import household_list, household_search, order_list, visit_list
from .services import visit_record
from .states import NeedKind, TagKind, VisitMode


class MemberSerializer(serializers.ModelSerializer[Member]):
    id = serializers.IntegerField(source="person_id", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    phone = serializers.CharField(source="person.phone_masked", read_only=True)
    relation_label = serializers.CharField(source="get_relation_display", read_only=True)

    class Meta:
        model = Member
        fields = ["id", "name", "phone", "relation", "relation_label"]
        read_only_fields = fields


class HouseholdSerializer(serializers.ModelSerializer[Household]):
    id = serializers.IntegerField(source="pk", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = ["id", "address", "region", "region_name", "members", "last_visited_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q", str, description="An address, a member's name, a phone's last four digits or the whole number."
            )
        ]
    )
)
class HouseholdViewSet(ScopedRecords, viewsets.ReadOnlyModelViewSet[Household]):
    """Households you may knock on: in your jurisdiction, or where you do care work."""

    serializer_class = HouseholdSerializer
    queryset = Household.objects.none()
    audit_name = "households"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Household.objects.none()
        query = str(self.request.query_params.get("q", ""))[:60]
        if query:
            found = [h.pk for h in household_search(self.request.user, query)]
            rows = household_list(self.request.user).filter(pk__in=found)
        else:
            rows = household_list(self.request.user)
        return rows.prefetch_related("members__person").order_by("region__code", "address", "id")

    def visible(self) -> Any:
        return household_list(self.request.user).prefetch_related("members__person")


class NeedSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NeedKind.choices)
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None)
    detail = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    follow_up_by = serializers.DateField(required=False, allow_null=True, default=None)
    self_harm_risk = serializers.BooleanField(required=False, default=False)


class TagInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TagKind.choices)
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DoorVisitInSerializer(serializers.Serializer):
    client_id = ClientIdField()
    household = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    mode = serializers.ChoiceField(choices=VisitMode.choices, default=VisitMode.DOOR)
    visited_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reached = serializers.BooleanField(required=False, default=True)
    seen = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=30, required=False, default=list
    )
    situation = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    change_reported = serializers.BooleanField(required=False, default=False)
    needs = serializers.ListField(child=NeedSerializer(), max_length=10, required=False, default=list)
    tags = serializers.ListField(child=TagInSerializer(), max_length=10, required=False, default=list)
    campaign = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None)


class DoorVisitNeedSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    follow_up_by = serializers.DateField(read_only=True)


class DoorVisitSerializer(serializers.ModelSerializer[Visit]):
    id = serializers.IntegerField(source="pk", read_only=True)
    address = serializers.CharField(source="household.address", read_only=True)
    visitor_name = serializers.CharField(source="visitor.full_name", read_only=True)
    mode_label = serializers.CharField(source="get_mode_display", read_only=True)
    needs = DoorVisitNeedSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "household",
            "address",
            "visitor",
            "visitor_name",
            "mode",
            "mode_label",
            "visited_at",
            "reached",
            "change_reported",
            "campaign",
            "needs",
        ]
        read_only_fields = fields


class DoorVisitViewSet(ScopedRecords, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Visit]):
    """Visits (敲门行动) in your jurisdiction and your own; a visitor's phone sends new ones."""

    serializer_class = DoorVisitSerializer
    queryset = Visit.objects.none()
    audit_name = "visits"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Visit.objects.none()
        return visit_list(self.request.user).order_by("-visited_at", "-id")

    def visible(self) -> Any:
        return visit_list(self.request.user)

    @extend_schema(
        request=DoorVisitInSerializer,
        responses={
            201: DoorVisitSerializer,
            200: DoorVisitSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = DoorVisitInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        household = household_list(request.user).filter(pk=v["household"]).first()
        if household is None:
            raise refusal("household", _("Household not found, or outside your area."))
        campaign = None
        if v["campaign"] is not None:
            campaign = Campaign.objects.filter(pk=v["campaign"]).first()
            if campaign is None:
                raise refusal("campaign", _("No such campaign."))
        visit, created = visit_record(
            actor=request.user,
            household=household,
            mode=v["mode"],
            visited_at=v["visited_at"],
            reached=v["reached"],
            seen=v["seen"],
            situation=v["situation"],
            change_reported=v["change_reported"],
            needs=[dict(n) for n in v["needs"]],
            tags=[dict(t) for t in v["tags"]],
            campaign=campaign,
            client_id=v["client_id"],
        )
        return resend_answer(DoorVisitSerializer(visit).data, created)


class ServiceOrderSerializer(serializers.ModelSerializer[ServiceOrder]):
    id = serializers.IntegerField(source="pk", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    address = serializers.CharField(source="household.address", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True)
    squad_name = serializers.CharField(source="assigned_squad.name", read_only=True, default="")
    assigned_name = serializers.CharField(source="assigned_to.full_name", read_only=True, default="")

    class Meta:
        model = ServiceOrder
        fields = [
            "id",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "household",
            "address",
            "person_name",
            "due_on",
            "assigned_squad",
            "squad_name",
            "assigned_to",
            "assigned_name",
            "delivered_at",
            "confirmed_at",
        ]
        read_only_fields = fields


class ServiceOrderViewSet(ScopedRecords, viewsets.ReadOnlyModelViewSet[ServiceOrder]):
    """Service orders (暖心服务) in your care, or given to you or your squad."""

    serializer_class = ServiceOrderSerializer
    queryset = ServiceOrder.objects.none()
    audit_name = "service_orders"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ServiceOrder.objects.none()
        return order_list(self.request.user).order_by("-created_at", "-id")

    def visible(self) -> Any:
        return order_list(self.request.user)
