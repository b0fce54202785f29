"""/api/v1/units/: scoped and audited; the contact's numbers are masked."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.api.fields import RegionCodeField
from lianfang.core.api.params import choice, refusal, version_read
from lianfang.core.api.viewsets import ScopedRecords
from lianfang.core.people.models import NAME_ORDER, Person
from lianfang.core.people.selectors import person_list
from lianfang.core.regions.models import Region

from .models import Unit, UnitKind
from .selectors import unit_list, unit_search
from .services import clean_unit, unit_register, unit_update

KINDS = frozenset(UnitKind.values)  # UnitKind.values builds a new list on every read
UNKNOWN_KIND = gettext_lazy("Unknown kind of organisation: %(value)s")


class UnitSerializer(serializers.ModelSerializer[Unit]):
    region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=UnitKind.choices), read_only=True)
    contact_name = serializers.CharField(source="contact.name", read_only=True, default=None, allow_null=True)
    contact_phone_masked = serializers.CharField(
        source="contact.phone_masked", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "credit_code",
            "address",
            "region",
            "kinds",
            "contact_name",
            "contact_phone_masked",
            "version",
        ]
        read_only_fields = fields


class UnitWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    credit_code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    region = RegionCodeField()
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=UnitKind.choices), min_length=1)
    contact = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="A person's id")
    version = serializers.IntegerField(required=False, min_value=1, help_text="The version you read (updates only).")


class UnitRegistrationSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    unit = UnitSerializer()


class UnitViewSet(ScopedRecords, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[Unit]):
    """Organisations in your jurisdiction (or supervised by your department). Others answer 404."""

    serializer_class = UnitSerializer
    queryset = Unit.objects.none()
    http_method_names = ["get", "post", "put", "head", "options"]
    audit_name = "units"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Unit.objects.none()
        params = self.request.query_params
        kind = choice(params, "kind", KINDS, unknown=UNKNOWN_KIND)
        return unit_search(self.request.user, params.get("q", ""), kind=kind).order_by(*NAME_ORDER)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="credit code, name or pinyin initials"),
            OpenApiParameter("kind", str, enum=UnitKind.values),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def visible(self) -> Any:
        return unit_list(self.request.user)

    def _data(self, request: Request) -> Any:
        incoming = UnitWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        contact: Person | None = None
        if values["contact"] is not None:
            contact = person_list(request.user).filter(pk=values["contact"]).first()
            if contact is None:
                raise refusal("contact", _("Contact person not found, or outside your jurisdiction."))
        data = clean_unit(
            name=values["name"],
            credit_code=values["credit_code"],
            address=values["address"],
            region=values["region"],
            kinds=values["kinds"],
            contact=contact,
        )
        return values, data

    @extend_schema(
        request=UnitWriteSerializer,
        responses={
            201: UnitRegistrationSerializer,
            200: UnitRegistrationSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _, data = self._data(request)
        unit, outcome = unit_register(actor=request.user, data=data)
        body = {"outcome": outcome, "unit": UnitSerializer(unit).data}
        return Response(body, status=status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK)

    @extend_schema(
        request=UnitWriteSerializer,
        responses={200: UnitSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        unit = self.get_object()
        values, data = self._data(request)
        version = version_read(values)
        updated = unit_update(actor=request.user, unit=unit, data=data, version=version)
        return Response(UnitSerializer(updated).data)
