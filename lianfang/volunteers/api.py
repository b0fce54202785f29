"""/api/v1/volunteers/, /api/v1/volunteer-tasks/, /api/v1/volunteer-shifts/: scoped (404 outside
the jurisdiction), audited, phones masked. Sign-up, check-in and check-out take a client id
generated on the phone: a resend answers 200 with the first record, other content under the
same id answers 409."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lianfang.core.api.answers import resend_answer
from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.api.fields import ClientIdField, RegionCodeField
from lianfang.core.api.lookups import MAX_ID
from lianfang.core.api.params import (
    FIRST_YEAR,
    LAST_YEAR,
    active_account,
    refusal,
    unit_in_scope,
)
from lianfang.core.api.viewsets import ScopedRecords
from lianfang.core.people.identity import DocumentType
from lianfang.core.units.selectors import unit_list

from . import services
from .filters import shift_filters, task_filters, volunteer_filters
from .models import Availability, Shift, TaskKind, Volunteer, VolunteerTask
from .selectors import (
    shift_list,
    shift_search,
    task_list,
    task_places_taken,
    task_search,
    volunteer_list,
    volunteer_search,
    with_places_taken,
)
from .states import TaskState


class MomentField(serializers.DateTimeField):
    """A date and time between 2000 and 2099 (Asia/Shanghai unless the value says otherwise)."""

    def to_internal_value(self, value: Any) -> dt.datetime:
        moment: dt.datetime = super().to_internal_value(value)
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            message = _("The time must be between the years %(first)s and %(last)s.")
            raise serializers.ValidationError(message % {"first": FIRST_YEAR, "last": LAST_YEAR})
        return moment


# Volunteers ---------------------------------------------------------------------------------


class VolunteerSerializer(serializers.ModelSerializer[Volunteer]):
    name = serializers.CharField(source="person.name", read_only=True)
    document_masked = serializers.CharField(source="person.document_masked", read_only=True)
    phone_masked = serializers.CharField(source="person.phone_masked", read_only=True)
    age = serializers.IntegerField(source="person.age", read_only=True, allow_null=True)
    organisation = serializers.SerializerMethodField(help_text="enterprise or community")
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None, allow_null=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    hours_served = serializers.DecimalField(max_digits=9, decimal_places=1, read_only=True)

    class Meta:
        model = Volunteer
        fields = [
            "id", "name", "document_masked", "phone_masked", "age", "organisation", "unit", "unit_name", "region",
            "region_name", "skills", "availability", "is_active", "hours_served", "version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_organisation(self, volunteer: Volunteer) -> str:
        return "enterprise" if volunteer.unit_id is not None else "community"


class VolunteerRegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, default=DocumentType.RESIDENT_ID)
    document_number = serializers.CharField(max_length=32)
    phone = serializers.CharField(max_length=32)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    unit = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID, help_text="An enterprise's id"
    )
    community = RegionCodeField(required=False, allow_null=True, default=None, help_text="A community's code")
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    availability = serializers.ChoiceField(choices=Availability.choices, default=Availability.ANY_TIME)


class VolunteerUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The version you read.")
    skills = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    availability = serializers.ChoiceField(choices=Availability.choices)
    is_active = serializers.BooleanField()


class VolunteerViewSet(
    ScopedRecords, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet[Volunteer]
):
    """Volunteers in your jurisdiction, of your enterprise, or on your tasks. Others answer 404."""

    serializer_class = VolunteerSerializer
    queryset = Volunteer.objects.none()
    http_method_names = ["get", "post", "put", "head", "options"]
    audit_name = "volunteers"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Volunteer.objects.none()
        filters = volunteer_filters(self.request.query_params)
        return volunteer_search(self.request.user, filters).order_by("person__name_pinyin", "person__name", "id")

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="name, pinyin initials, skill, or an exact mobile or ID number"),
            OpenApiParameter(
                "organisation", str, description='"enterprise", "community", "unit:<id>" or "region:<code>"'
            ),
            OpenApiParameter("region", str, description="A region code: volunteers serving in it and below"),
            OpenApiParameter("active", bool),
            OpenApiParameter("availability", str, enum=Availability.values),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def visible(self) -> Any:
        return volunteer_list(self.request.user)

    @extend_schema(
        request=VolunteerRegisterSerializer,
        responses={201: VolunteerSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = VolunteerRegisterSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        unit = unit_in_scope(request.user, v["unit"], "unit")
        data = services.clean_volunteer(
            name=v["name"],
            document_type=v["document_type"],
            document_number=v["document_number"],
            phone=v["phone"],
            address=v["address"],
            unit=unit,
            community=v["community"],
            skills=v["skills"],
            availability=v["availability"],
        )
        volunteer = services.volunteer_register(actor=request.user, data=data)
        fresh = volunteer_list(request.user).filter(pk=volunteer.pk).first() or volunteer
        return Response(VolunteerSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=VolunteerUpdateSerializer,
        responses={
            200: VolunteerSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        volunteer = self.get_object()
        incoming = VolunteerUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        services.volunteer_update(
            actor=request.user,
            volunteer=volunteer,
            skills=v["skills"],
            availability=v["availability"],
            is_active=v["is_active"],
            version=v["version"],
        )
        return Response(VolunteerSerializer(self.get_object()).data)


class ShiftSerializer(serializers.ModelSerializer[Shift]):
    volunteer_name = serializers.CharField(source="volunteer.person.name", read_only=True)
    volunteer_phone_masked = serializers.CharField(source="volunteer.person.phone_masked", read_only=True)
    organisation_name = serializers.CharField(source="volunteer.organisation_name", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    task_kind = serializers.CharField(source="task.kind", read_only=True)
    task_starts_at = serializers.DateTimeField(source="task.starts_at", read_only=True)
    region = serializers.CharField(source="task.region.code", read_only=True)
    status = serializers.CharField(read_only=True, help_text="waiting, checked_in, checked_out or withdrawn")
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True, allow_null=True)

    class Meta:
        model = Shift
        fields = [
            "id", "task", "task_title", "task_kind", "task_starts_at", "region", "volunteer", "volunteer_name",
            "volunteer_phone_masked", "organisation_name", "source", "status", "checked_in_at", "checked_out_at",
            "hours", "hours_corrected", "withdrawn_at", "version",
        ]  # fmt: skip
        read_only_fields = fields


# Tasks --------------------------------------------------------------------------------------


class TaskSerializer(serializers.ModelSerializer[VolunteerTask]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    region = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    organiser_name = serializers.CharField(source="organiser.full_name", read_only=True, default=None, allow_null=True)
    places_taken = serializers.SerializerMethodField()
    invited_units = serializers.SerializerMethodField(help_text="Ids of the enterprises invited")

    class Meta:
        model = VolunteerTask
        fields = [
            "id", "kind", "kind_label", "title", "place", "region", "region_name", "starts_at", "ends_at",
            "people_needed", "places_taken", "state", "state_label", "organiser", "organiser_name",
            "invited_units", "note", "version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_invited_units(self, task: VolunteerTask) -> list[int]:
        return [unit.pk for unit in task.invited_units.all()]

    def get_places_taken(self, task: VolunteerTask) -> int:
        taken = getattr(task, "places_taken", None)
        return int(taken) if taken is not None else task_places_taken(task)


class TaskCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TaskKind.choices)
    title = serializers.CharField(max_length=100)
    place = serializers.CharField(max_length=200)
    region = RegionCodeField()
    starts_at = MomentField()
    ends_at = MomentField()
    people_needed = serializers.IntegerField(min_value=1, max_value=services.MAX_PEOPLE_NEEDED)
    organiser = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID, help_text="A user's id"
    )
    invited_units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list, max_length=200
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DispatchSerializer(serializers.Serializer):
    volunteers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )


class TaskTransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=["finish", "cancel"])
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The version you read.")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TaskViewSet(ScopedRecords, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[VolunteerTask]):
    """Volunteer tasks in your jurisdiction, organised by you, or open to your enterprise. Others answer 404."""

    serializer_class = TaskSerializer
    queryset = VolunteerTask.objects.none()
    http_method_names = ["get", "post", "head", "options"]
    audit_name = "volunteer-tasks"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return VolunteerTask.objects.none()
        tasks = with_places_taken(task_search(self.request.user, task_filters(self.request.query_params)))
        return tasks.prefetch_related("invited_units").order_by("-starts_at", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=TaskKind.values),
            OpenApiParameter("state", str, enum=TaskState.values),
            OpenApiParameter("region", str, description="A region code: tasks in it and below"),
            OpenApiParameter("from", str, description="First day the task may start on (YYYY-MM-DD)"),
            OpenApiParameter("to", str, description="Last day the task may start on (YYYY-MM-DD)"),
            OpenApiParameter("q", str, description="title or place"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def visible(self) -> Any:
        return task_list(self.request.user)

    @extend_schema(
        request=TaskCreateSerializer, responses={201: TaskSerializer, 400: ErrorSerializer, 403: ErrorSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TaskCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        organiser = active_account(v["organiser"], "organiser")
        units = list(unit_list(request.user).filter(pk__in=v["invited_units"]))
        if len(units) != len(set(v["invited_units"])):
            raise refusal("invited_units", _("Organisation not found, or outside your jurisdiction."))
        data = services.clean_task(
            kind=v["kind"],
            title=v["title"],
            place=v["place"],
            region=v["region"],
            starts_at=v["starts_at"],
            ends_at=v["ends_at"],
            people_needed=v["people_needed"],
            organiser=organiser,
            invited_units=units,
            note=v["note"],
        )
        task = services.task_create(actor=request.user, data=data)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DispatchSerializer,
        responses={201: ShiftSerializer(many=True), 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_volunteers(self, request: Request, pk: str | None = None) -> Response:
        """Dispatch volunteers to the task; more than the places left is refused as a whole."""
        task = self.get_object()
        incoming = DispatchSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(incoming.validated_data["volunteers"]))
        volunteers = list(volunteer_list(request.user).filter(pk__in=ids))
        if len(volunteers) != len(ids):
            raise refusal("volunteers", _("Volunteer not found, or outside your jurisdiction."))
        shifts = services.shift_dispatch(actor=request.user, task=task, volunteers=volunteers)
        rows = shift_list(request.user).filter(pk__in=[s.pk for s in shifts]).order_by("id")
        return Response(ShiftSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TaskTransitionSerializer,
        responses={
            200: TaskSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        incoming = TaskTransitionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        services.task_transition(
            actor=request.user, task=task, name=v["name"], version=v["version"], reason=v["reason"]
        )
        return Response(TaskSerializer(self.get_object()).data)


# Shifts -------------------------------------------------------------------------------------


class SignUpSerializer(serializers.Serializer):
    client_id = ClientIdField()
    task = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    volunteer = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class CheckSerializer(serializers.Serializer):
    client_id = ClientIdField()
    at = MomentField(required=False, allow_null=True, default=None, help_text="When it happened (default: now)")


class HoursSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The version you read.")
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=24)
    reason = serializers.CharField(max_length=500)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ShiftViewSet(ScopedRecords, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Shift]):
    """Shifts of tasks in your jurisdiction or organised by you, and of your enterprise's volunteers."""

    serializer_class = ShiftSerializer
    queryset = Shift.objects.none()
    http_method_names = ["get", "post", "head", "options"]
    audit_name = "volunteer-shifts"

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Shift.objects.none()
        return shift_search(self.request.user, shift_filters(self.request.query_params)).order_by(
            "-task__starts_at", "id"
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("task", int),
            OpenApiParameter("volunteer", int),
            OpenApiParameter("kind", str, enum=TaskKind.values, description="The task's kind"),
            OpenApiParameter("region", str, description="A region code: shifts of tasks in it and below"),
            OpenApiParameter(
                "organisation", str, description='"enterprise", "community", "unit:<id>" or "region:<code>"'
            ),
            OpenApiParameter("from", str, description="First day the task may start on (YYYY-MM-DD)"),
            OpenApiParameter("to", str, description="Last day the task may start on (YYYY-MM-DD)"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def visible(self) -> Any:
        return shift_list(self.request.user)

    @extend_schema(
        request=SignUpSerializer,
        responses={
            201: ShiftSerializer,
            200: ShiftSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Sign a volunteer up for a task."""
        incoming = SignUpSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        task = task_list(request.user).filter(pk=v["task"]).first()
        if task is None:
            raise refusal("task", _("Task not found, or outside your jurisdiction."))
        volunteer = volunteer_list(request.user).filter(pk=v["volunteer"]).first()
        if volunteer is None:
            raise refusal("volunteer", _("Volunteer not found, or outside your jurisdiction."))
        shift, created = services.shift_sign_up(
            actor=request.user, task=task, volunteer=volunteer, client_id=v["client_id"]
        )
        fresh = shift_list(request.user).get(pk=shift.pk)
        return resend_answer(ShiftSerializer(fresh).data, created)

    def _check(self, request: Request, kind: str) -> Response:
        shift = self.get_object()
        incoming = CheckSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        client_id: uuid.UUID | None = incoming.validated_data["client_id"]
        at = incoming.validated_data["at"]
        run = services.shift_check_in if kind == "check_in" else services.shift_check_out
        fresh, created = run(actor=request.user, shift=shift, client_id=client_id, at=at)
        return resend_answer(ShiftSerializer(fresh).data, created)

    check_responses = {
        201: ShiftSerializer,
        200: ShiftSerializer,
        400: ErrorSerializer,
        403: ErrorSerializer,
        404: ErrorSerializer,
        409: ErrorSerializer,
    }

    @extend_schema(request=CheckSerializer, responses=check_responses)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        """Check the volunteer in (201; a resend of the same client id answers 200 with the same shift)."""
        return self._check(request, "check_in")

    @extend_schema(request=CheckSerializer, responses=check_responses)
    @action(detail=True, methods=["post"], url_path="check-out")
    def check_out(self, request: Request, pk: str | None = None) -> Response:
        """Check the volunteer out; the shift's hours follow from the two times."""
        return self._check(request, "check_out")

    @extend_schema(
        request=HoursSerializer,
        responses={
            200: ShiftSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def hours(self, request: Request, pk: str | None = None) -> Response:
        """Correct the hours of a shift, with a reason (staff of the task's region)."""
        shift = self.get_object()
        incoming = HoursSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        v = incoming.validated_data
        services.shift_correct_hours(
            actor=request.user, shift=shift, hours=v["hours"], reason=v["reason"], version=v["version"]
        )
        return Response(ShiftSerializer(self.get_object()).data)

    @extend_schema(
        request=WithdrawSerializer,
        responses={200: ShiftSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Take the volunteer off the task before they checked in."""
        shift = self.get_object()
        incoming = WithdrawSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.shift_withdraw(actor=request.user, shift=shift, reason=incoming.validated_data["reason"])
        return Response(ShiftSerializer(self.get_object()).data)
