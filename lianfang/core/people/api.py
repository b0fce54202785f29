"""/api/v1/people/: scoped, masked, audited. Full values only through the reveal action."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lianfang.core.api.answers import JSONAnswers, json_answer
from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.api.fields import RegionCodeField
from lianfang.core.api.params import is_region_code, refusal, version_read
from lianfang.core.api.serializers import FlatSerializer
from lianfang.core.api.viewsets import ScopedRecords
from lianfang.core.audit.services import audit_record
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import region_by_code
from lianfang.core.regions.selectors import default_region

from .identity import DocumentType
from .models import NAME_ORDER, Person
from .pending import person_confirm, person_return
from .selectors import (
    PendingRow,
    pending_for_confirmation,
    pending_rows,
    person_list,
    person_search,
    person_visible_to_registrant,
)
from .services import clean_person, person_register, person_reveal, person_update, registration_holder


class PersonSerializer(serializers.ModelSerializer[Person]):
    """A person as every response shows them: numbers masked, age instead of the birth date."""

    home_region: serializers.SlugRelatedField[Region] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    age = serializers.IntegerField(read_only=True, allow_null=True)
    is_minor = serializers.BooleanField(read_only=True)

    class Meta:
        model = Person
        fields = [
            "id", "name", "document_type", "document_masked", "phone_masked", "sex", "age", "is_minor",
            "address", "home_region", "version",
        ]  # fmt: skip
        read_only_fields = fields


class PersonWriteSerializer(FlatSerializer):
    name = serializers.CharField(max_length=64)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, default=DocumentType.RESIDENT_ID)
    document_number = serializers.CharField(max_length=32)
    # Phones send null for a field left empty: it is stored as empty text.
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, allow_null=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, allow_null=True, default="")
    home_region = RegionCodeField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, min_value=1, help_text="The version you read (updates only).")


class RegistrationSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["created", "updated", "linked", "unchanged"])
    person = PersonSerializer(allow_null=True, help_text="Null when the person is registered but outside your view.")


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["document", "phone"])
    reason = serializers.CharField(max_length=200)


class RevealedSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


def person_data(person: Person) -> dict[str, Any]:
    """What PersonSerializer gives, built directly for the write paths' answers."""
    return {
        "id": person.pk,
        "name": person.name,
        "document_type": person.document_type,
        "document_masked": person.document_masked,
        "phone_masked": person.phone_masked,
        "sex": person.sex,
        "age": person.age,
        "is_minor": person.is_minor,
        "address": person.address,
        "home_region": person.home_region.code if person.home_region else None,
        "version": person.version,
    }


def _region(code: Any) -> Region | None:
    if code in (None, ""):
        return None
    if not is_region_code(code):
        raise refusal("home_region", _("A region code has 12 digits."))
    region = region_by_code(code)
    if region is None:
        raise refusal("home_region", _("No region has the code %(code)s.") % {"code": code})
    return region


class PersonViewSet(
    ScopedRecords, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[Person]
):
    """People in your jurisdiction. Outside it a person answers 404, never data."""

    serializer_class = PersonSerializer
    queryset = Person.objects.none()
    http_method_names = ["get", "post", "put", "head", "options"]
    audit_name = "people"
    content_negotiation_class = JSONAnswers

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Person.objects.none()
        return person_search(self.request.user, self.request.query_params.get("q", "")).order_by(*NAME_ORDER)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        if person.is_minor:  # only sensitive roles get here; each view is audited
            audit_record(actor=request.user, verb="person.view_sensitive", target=person, detail="minor")
        return Response(PersonSerializer(person).data)

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="document number, mobile, name or pinyin initials")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _data(self, request: Request) -> tuple[dict[str, Any], Any]:
        """The body through PersonWriteSerializer (types and lengths), then clean_person (the
        rules: the document's check digit, the mobile number …), each naming the fields it refuses."""
        incoming = PersonWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        return values, clean_person(
            name=values["name"],
            document_type=values["document_type"],
            document_number=values["document_number"],
            phone=values["phone"],
            address=values["address"],
            home_region=values["home_region"],
        )

    @extend_schema(
        request=PersonWriteSerializer,
        responses={
            201: RegistrationSerializer,
            200: RegistrationSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]  # plain JSON, see _json
        _values, data = self._data(request)
        region = data.home_region or default_region(request.user)
        holder = registration_holder(request.user, region)
        if region is None and holder.unit is None:
            raise exceptions.PermissionDenied()
        person, outcome = person_register(actor=request.user, data=data, region=region, source="api", holder=holder)
        if outcome == "created":  # its one link is the registrant's own: no query needed to tell
            visible = person_visible_to_registrant(
                request.user,
                person,
                region_code=holder.region.code if holder.region is not None else None,
                department_id=holder.department.pk if holder.department is not None else None,
                unit_id=holder.unit.pk if holder.unit is not None else None,
            )
        else:
            visible = person_list(request.user).filter(pk=person.pk).exists()
        body = {"outcome": outcome, "person": person_data(person) if visible else None}
        return json_answer(body, status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK)

    @extend_schema(
        request=PersonWriteSerializer,
        responses={200: PersonSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        values, data = self._data(request)
        version = version_read(values)
        updated = person_update(actor=request.user, person=person, data=data, version=version)
        return Response(person_data(updated))

    @extend_schema(
        request=RevealSerializer, responses={200: RevealedSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        """Show one full value; needs the reveal privilege and a reason, and is audited."""
        person = self.get_object()
        incoming = RevealSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        value = person_reveal(
            actor=request.user,
            person=person,
            field=incoming.validated_data["field"],
            reason=incoming.validated_data["reason"],
        )
        return Response({"field": incoming.validated_data["field"], "value": value})

    def visible(self) -> Any:
        return person_list(self.request.user)


class PendingRegistrationSerializer(serializers.Serializer):
    """A registration waiting for the home jurisdiction: what was typed, and the record on file."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    document_type = serializers.CharField()
    document_masked = serializers.CharField()
    phone_masked = serializers.CharField()
    address = serializers.CharField()
    home_region = serializers.CharField(allow_null=True)
    registered_at = serializers.DateTimeField()
    registered_by = serializers.ListField(child=serializers.CharField())
    on_file = PersonSerializer()


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="Why the number is not this person's (4 to 200).")


def _pending_data(row: PendingRow) -> dict[str, Any]:
    pending = row.pending
    return {
        "id": pending.pk,
        "name": pending.name,
        "document_type": pending.document_type,
        "document_masked": pending.document_masked,
        "phone_masked": pending.phone_masked,
        "address": pending.address,
        "home_region": pending.home_region.code if pending.home_region else None,
        "registered_at": pending.created_at,
        "registered_by": row.registered_by,
        "on_file": person_data(row.on_file),
    }


class PendingRegistrationViewSet(ScopedRecords, viewsets.GenericViewSet[Person]):
    """Registrations of people on file in your jurisdiction, made where the registrant may not see
    the record: confirm one (it joins the record on file) or return it with the reason. For the
    staff of a jurisdiction and the commander; others see an empty list."""

    serializer_class = PendingRegistrationSerializer
    queryset = Person.objects.none()
    http_method_names = ["get", "post", "head", "options"]
    audit_name = "people"
    content_negotiation_class = JSONAnswers

    def visible(self) -> Any:
        return pending_for_confirmation(self.request.user).order_by("created_at", "pk")

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Person.objects.none()
        return self.visible()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = [_pending_data(row) for row in pending_rows(list(page if page is not None else []))]
        return self.get_paginated_response(rows)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        [row] = pending_rows([self.get_object()])
        return Response(_pending_data(row))

    @extend_schema(request=None, responses={200: PersonSerializer, 400: ErrorSerializer, 404: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """Join the registration to the record on file; answers the record on file."""
        return Response(person_data(person_confirm(actor=request.user, pending=self.get_object())))

    @extend_schema(
        request=ReturnSerializer, responses={200: PersonSerializer, 400: ErrorSerializer, 404: ErrorSerializer}
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        """Return the registration to its registrants with the reason; answers what was registered."""
        incoming = ReturnSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        pending = self.get_object()
        return Response(person_data(person_return(actor=request.user, pending=pending, **incoming.validated_data)))
