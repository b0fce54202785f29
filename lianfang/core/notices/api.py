"""/api/v1/notices/ and /api/v1/notifications/: scoped and audited like the pages.

A notice answers 404 to anyone who neither follows it from the sender's side (jurisdiction)
nor receives it (a contact of a recipient organisation). Counts and receipts are shown to the
sender side only; a recipient sees their own organisation's receipt.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lianfang.core.api import params
from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.api.fields import RegionCodeField
from lianfang.core.files.models import StoredFile
from lianfang.core.files.serving import file_response
from lianfang.core.regions.scoping import scope_for
from lianfang.core.units.models import UnitKind

from .models import Notice, NoticeReceipt, Notification, TargetKind
from .selectors import (
    Box,
    may_send,
    my_receipts,
    my_receipts_by_notice,
    notice_feed,
    notice_for,
    notice_list,
    notice_receipts,
    notification_list,
    with_counts,
)
from .services import notice_acknowledge, notice_read, notice_remind, notice_send, notification_mark_read
from .targets import MAX_NAMED_UNITS, clean_target


class NoticeAttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    url = serializers.CharField(help_text="Download (the same access as the notice).")


class CountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    read = serializers.IntegerField()
    acknowledged = serializers.IntegerField()


class ReceiptSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    read_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    reminders = serializers.IntegerField()
    last_reminded_at = serializers.DateTimeField(allow_null=True)


class MyReceiptSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField(source="unit.name")
    read_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    sender_name = serializers.CharField()
    region = serializers.CharField(help_text="The division code the notice was sent from.")
    department = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    target_kind = serializers.ChoiceField(choices=TargetKind.choices)
    target_unit_kind = serializers.CharField(allow_blank=True)
    target_region = serializers.CharField(allow_null=True)
    target_description = serializers.CharField()
    attachments = NoticeAttachmentSerializer(many=True)
    counts = CountsSerializer(allow_null=True, help_text="Sender side only.")
    my_receipts = MyReceiptSerializer(many=True, help_text="Recipients only: your organisation's receipt.")


class NoticeDetailSerializer(NoticeSerializer):
    receipts = ReceiptSerializer(many=True, allow_null=True, help_text="Sender side only.")


class NoticeWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    body = serializers.CharField(max_length=5000)
    target_kind = serializers.ChoiceField(choices=TargetKind.choices)
    target_unit_kind = serializers.CharField(
        max_length=24,
        required=False,
        allow_blank=True,
        default="",
        help_text="For kind and kind_in_region: " + ", ".join(UnitKind.values),
    )
    target_region = RegionCodeField(required=False, allow_null=True, default=None)
    target_units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        default=list,
        max_length=MAX_NAMED_UNITS,
    )
    attachments = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=10,
        help_text="Ids of files you uploaded through /api/v1/files/.",
    )


class RemindedSerializer(serializers.Serializer):
    reminded = serializers.IntegerField()
    too_soon = serializers.IntegerField()
    without_contact = serializers.IntegerField()


def _attachments(notice: Notice) -> list[dict[str, Any]]:
    return [
        {
            "public_id": f.public_id,
            "original_name": f.original_name,
            "content_type": f.content_type,
            "size": f.size,
            "sha256": f.sha256,
            "url": reverse("api:notice-attachment", args=[notice.pk, f.public_id]),
        }
        for f in notice.attachments.all()
    ]


def _counts(notice: Notice) -> dict[str, int]:
    # Annotated by selectors.with_counts.
    return {name: getattr(notice, name) for name in ("total", "read", "acknowledged")}


def notice_data(notice: Notice, *, sender_side: bool, mine: list[NoticeReceipt], detail: bool = False) -> Any:
    data: dict[str, Any] = {
        "id": notice.pk,
        "title": notice.title,
        "body": notice.body,
        "sender_name": notice.sender.get_full_name(),
        "region": notice.region.code,
        "department": notice.department.name if notice.department else None,
        "created_at": notice.created_at,
        "target_kind": notice.target_kind,
        "target_unit_kind": notice.target_unit_kind,
        "target_region": notice.target_region.code if notice.target_region else None,
        "target_description": notice.target_description,
        "attachments": _attachments(notice),
        "counts": _counts(notice) if sender_side else None,
        "my_receipts": mine,
    }
    if detail:
        data["receipts"] = list(notice_receipts(notice)) if sender_side else None
        return NoticeDetailSerializer(data).data
    return NoticeSerializer(data).data


_BOXES: dict[str | None, Box | None] = {None: None, "sent": "sent", "received": "received"}


def _pk(value: Any) -> int:
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,18}", value):
        raise Http404
    return int(value)


class NoticeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Notice]):
    """Notices you follow (your jurisdiction's) or receive (your organisation's). Others answer 404."""

    serializer_class = NoticeSerializer
    queryset = Notice.objects.none()
    audit_name = "notices"

    def get_queryset(self) -> QuerySet[Notice]:
        if getattr(self, "swagger_fake_view", False):
            return Notice.objects.none()
        return notice_feed(self.request.user)

    def _found(self) -> tuple[Notice, str]:
        found = notice_for(self.request.user, _pk(self.kwargs.get("pk")))
        if found is None:
            raise Http404
        return found

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not scope_for(request.user).can_write:
            raise exceptions.PermissionDenied()

    @extend_schema(
        parameters=[OpenApiParameter("box", str, enum=["sent", "received"], description="only one side")],
        responses={200: NoticeSerializer(many=True), 400: ErrorSerializer},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        box = request.query_params.get("box")
        if box not in _BOXES:
            raise exceptions.ValidationError({"box": [_("Give sent or received.")]})
        notices = notice_feed(request.user, box=_BOXES[box])
        page = self.paginate_queryset(notices)
        rows = list(page if page is not None else notices)
        ids = [n.pk for n in rows]
        sender_side = set(notice_list(request.user).filter(pk__in=ids).values_list("pk", flat=True))
        mine = my_receipts_by_notice(request.user, ids)
        data = [notice_data(n, sender_side=n.pk in sender_side, mine=mine.get(n.pk, [])) for n in rows]
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(responses={200: NoticeDetailSerializer, 404: ErrorSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notice, side = self._found()
        # Reading through the API is explicit (POST …/read/): a GET changes nothing.
        mine = my_receipts(request.user, notice) if side == "recipient" else []
        return Response(notice_data(notice, sender_side=side == "sender", mine=mine, detail=True))

    @extend_schema(
        request=NoticeWriteSerializer,
        responses={201: NoticeDetailSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_send(request.user):
            raise exceptions.PermissionDenied(_("Your role may not send notices."))
        incoming = NoticeWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        files = list(StoredFile.objects.filter(public_id__in=values["attachments"], uploaded_by_id=request.user.pk))
        if len(files) != len(set(values["attachments"])):
            raise exceptions.ValidationError({"attachments": [_("Attach only files you uploaded yourself.")]})
        target = clean_target(
            kind=values["target_kind"],
            unit_kind=values["target_unit_kind"],
            region=values["target_region"],
            units=values["target_units"],
        )
        notice = notice_send(
            actor=request.user, title=values["title"], body=values["body"], target=target, attachments=files
        )
        created = with_counts(Notice.objects.filter(pk=notice.pk)).select_related("sender", "region", "department")
        body = notice_data(created.get(), sender_side=True, mine=[], detail=True)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: MyReceiptSerializer(many=True), 403: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark the notice read for your organisation (the first time is kept)."""
        notice, side = self._found()
        if side != "recipient":
            raise Http404
        return Response(MyReceiptSerializer(notice_read(actor=request.user, notice=notice), many=True).data)

    @extend_schema(
        request=None,
        responses={200: MyReceiptSerializer(many=True), 403: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        """Acknowledge the notice for your organisation (implies read; the first time is kept)."""
        notice, side = self._found()
        if side != "recipient":
            raise Http404
        return Response(MyReceiptSerializer(notice_acknowledge(actor=request.user, notice=notice), many=True).data)

    @extend_schema(request=None, responses={200: RemindedSerializer, 403: ErrorSerializer, 404: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str | None = None) -> Response:
        """Remind the organisations that have not acknowledged (each at most once an hour)."""
        notice, side = self._found()
        if side != "sender":
            raise Http404
        result = notice_remind(actor=request.user, notice=notice)
        return Response(RemindedSerializer(result).data)

    @extend_schema(
        parameters=[OpenApiParameter("file_id", OpenApiTypes.UUID, location=OpenApiParameter.PATH)],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
            404: ErrorSerializer,
        },
    )
    # Any segment routes here, so that authentication answers first (a bad id is then a 404).
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<file_id>[^/]+)", url_name="attachment")
    def attachment(self, request: Request, pk: str | None = None, file_id: str | None = None) -> HttpResponseBase:
        """Download an attachment of a notice you follow or receive."""
        notice, _side = self._found()
        try:
            public_id = uuid.UUID(str(file_id))
        except ValueError as error:
            raise Http404 from error
        stored = notice.attachments.filter(public_id=public_id).first()
        if stored is None:
            raise Http404
        return file_response(stored)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "key", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


class NotificationViewSet(viewsets.ReadOnlyModelViewSet[Notification]):
    """Your own notifications (reminders, new notices), newest first."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    audit_name = "notifications"

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        notifications = notification_list(self.request.user)
        if params.flag(self.request.query_params, "unread"):
            notifications = notifications.filter(read_at__isnull=True)
        return notifications

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="only unread ones")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_object(self) -> Notification:
        notification = notification_list(self.request.user).filter(pk=_pk(self.kwargs.get("pk"))).first()
        if notification is None:
            raise Http404
        return notification

    @extend_schema(request=None, responses={200: NotificationSerializer, 404: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark one notification read."""
        notification = self.get_object()
        notification_mark_read(actor=request.user, notifications=[notification])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        request=None,
        responses={200: inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark all your notifications read."""
        return Response({"marked": notification_mark_read(actor=request.user)})
