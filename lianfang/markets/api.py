"""/api/v1/shops/ and /api/v1/shop-inspections/: the shops in your jurisdiction, and the
inspections an inspector's phone sends (with a client id: a resend returns the first inspection,
other content under the same id answers 409). Photos are added on the inspection page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from lianfang.core.api.answers import resend_answer
from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.api.fields import ClientIdField
from lianfang.core.api.lookups import MAX_ID
from lianfang.core.api.params import refusal
from lianfang.core.api.viewsets import ScopedRecords

from . import services
from .models import Shop, ShopInspection
from .selectors import inspection_list, shop_list
from .states import Kind, Outcome


class ShopSerializer(serializers.ModelSerializer[Shop]):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(source="unit.name", read_only=True)
    address = serializers.CharField(source="unit.address", read_only=True)
    region = serializers.CharField(source="unit.region.code", read_only=True)
    region_name = serializers.CharField(source="unit.region.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    flag_label = serializers.CharField(source="get_flag_display", read_only=True)

    class Meta:
        model = Shop
        fields = [
            "id",
            "name",
            "address",
            "region",
            "region_name",
            "state",
            "state_label",
            "flag",
            "flag_label",
            "flag_since",
            "last_inspected_at",
            "team",
        ]
        read_only_fields = fields


class ShopViewSet(ScopedRecords, viewsets.ReadOnlyModelViewSet[Shop]):
    """The small shops (三小门店) in your jurisdiction, with their status and current flag."""

    serializer_class = ShopSerializer
    queryset = Shop.objects.none()
    audit_name = "shops"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Shop.objects.none()
        return shop_list(self.request.user).order_by("unit_id")

    def visible(self) -> Any:
        return shop_list(self.request.user)


class ShopInspectionSerializer(serializers.ModelSerializer[ShopInspection]):
    id = serializers.IntegerField(source="pk", read_only=True)
    shop_name = serializers.CharField(source="shop.unit.name", read_only=True)
    inspected_at = serializers.DateTimeField(source="inspection.inspected_at", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    checklist_version = serializers.IntegerField(source="inspection.version_id", read_only=True)

    class Meta:
        model = ShopInspection
        fields = [
            "id",
            "shop",
            "shop_name",
            "day",
            "inspected_at",
            "kind",
            "outcome",
            "outcome_label",
            "decided",
            "stricter_reason",
            "case",
            "revoked_at",
            "checklist_version",
        ]
        read_only_fields = fields


class AnswerInSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    passed = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class InspectSerializer(serializers.Serializer):
    client_id = ClientIdField()
    shop = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.ROUTINE)
    answers = serializers.ListField(child=AnswerInSerializer(), max_length=100)
    inspectors = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=20,
        required=False,
        default=list,
        help_text="The other inspectors present (the sender is one of them).",
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="A stricter outcome than the answers give, with stricter_reason (never a milder one).",
    )
    stricter_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ShopInspectionViewSet(ScopedRecords, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[ShopInspection]):
    """Inspections of shops in your jurisdiction; an inspector in today's round sends new ones."""

    serializer_class = ShopInspectionSerializer
    queryset = ShopInspection.objects.none()
    audit_name = "shop_inspections"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return ShopInspection.objects.none()
        return inspection_list(self.request.user).order_by("-day", "-inspection_id")

    def visible(self) -> Any:
        return inspection_list(self.request.user)

    @extend_schema(
        request=InspectSerializer,
        responses={
            201: ShopInspectionSerializer,
            200: ShopInspectionSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = InspectSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        shop = shop_list(request.user).filter(pk=v["shop"]).first()
        if shop is None:
            raise refusal("shop", _("Shop not found, or outside your jurisdiction."))
        answers = {str(a["item"]): {"passed": a["passed"], "note": a["note"]} for a in v["answers"]}
        row, created = services.shop_inspect(
            actor=request.user,
            shop=shop,
            kind=v["kind"],
            answers=answers,
            inspectors=v["inspectors"],
            outcome=v["outcome"],
            stricter_reason=v["stricter_reason"],
            note=v["note"],
            client_id=v["client_id"],
        )
        return resend_answer(ShopInspectionSerializer(row).data, created)
