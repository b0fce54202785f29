"""API tokens: issued only to a signed-in session that has passed its second factor where required."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.views import LoginView as KnoxLoginView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from lianfang.core.api.errors import ErrorSerializer
from lianfang.core.audit.services import audit_record

from .auth import TokenAuthentication
from .permissions import needs_second_factor


class MayHoldToken(permissions.BasePermission):
    """No tokens for administrators and auditors: their work needs the second factor each session."""

    message = _("Administrators and auditors are not issued API tokens.")

    def has_permission(self, request: Request, view: Any) -> bool:
        # The roles that need a second factor are exactly those that get no token, so a token
        # can never stand in for a second factor that was not passed.
        return bool(request.user.is_authenticated and not needs_second_factor(request.user))


TOKEN_RESPONSE = inline_serializer(
    "TokenResponse", fields={"expiry": serializers.DateTimeField(), "token": serializers.CharField()}
)


class TokenLoginView(KnoxLoginView):
    """Exchange a signed-in browser session for an expiring API token (stored only as a digest)."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, MayHoldToken]
    audit_name = "token.create"

    @extend_schema(request=None, responses={200: TOKEN_RESPONSE, 403: ErrorSerializer})
    def post(self, request: Request, format: Any = None) -> Response:
        response = super().post(request, format=format)
        audit_record(actor=request.user, verb="token.create", target=request.user)  # type: ignore[arg-type]
        return response


class TokenLogoutView(KnoxLogoutView):
    """Revoke the token used for this request."""

    authentication_classes = [TokenAuthentication]
    audit_name = "token.revoke"

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, format: Any = None) -> Response:
        response = super().post(request, format=format)
        audit_record(actor=request.user, verb="token.revoke", target=request.user)  # type: ignore[arg-type]
        return response
