"""One error shape for the whole API: {"message": "<Chinese message>", "fields": {"field": ["..."]}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lianfang.core.audit.services import audit_record_refusal
from lianfang.core.edits import VersionConflict
from lianfang.core.flows.engine import InvalidTransition
from lianfang.core.idempotency import SubmissionConflict


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer."""

    message = serializers.CharField(help_text="A message in the request's language (Chinese by default).")
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, (list, tuple)):
                out[str(key)] = [str(v) for v in value]
            elif isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            else:
                out[str(key)] = [str(value)]
        return out
    if isinstance(detail, (list, tuple)):
        return {"non_field_errors": [str(v) for v in detail]}
    return {}


# Conflicts a service raises, and the field each one is about: a 409 naming it.
_CONFLICT_FIELDS: dict[type[Exception], str] = {SubmissionConflict: "client_id", VersionConflict: "version"}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    for conflict, field in _CONFLICT_FIELDS.items():
        if isinstance(exc, conflict):
            return Response({"message": str(exc), "fields": {field: [str(exc)]}}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, InvalidTransition):
        # Every flow's transition is asked for by its name: the refusal is about that field.
        exc = exceptions.ValidationError({"name": [str(exc)]})
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found, or outside your jurisdiction."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.PermissionDenied):
        request = context.get("request")
        view = context.get("view")
        audit_record_refusal(
            actor=getattr(request, "user", None),
            verb=f"api.{getattr(view, 'audit_name', type(view).__name__)}",
            detail=f"{getattr(request, 'method', '')} {getattr(request, 'path', '')}"[:500],
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = _("The submission has errors: %(fields)s.") % {"fields": "、".join(fields) or "-"}
        response.data = {"message": message, "fields": fields}
    else:
        detail = getattr(exc, "detail", None)
        response.data = {"message": str(detail) if detail is not None else str(exc), "fields": {}}
    return response
