"""Checks every API request passes after authentication (settings: DEFAULT_PERMISSION_CLASSES)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, permissions
from rest_framework.request import Request

from lianfang.core.null_bytes import nul_message, query_has_nul


class QueryWithoutNul(permissions.BasePermission):
    """A query string with a NUL character is a bad request (see lianfang.core.null_bytes)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if query_has_nul(request._request):
            raise exceptions.ValidationError({"query": [nul_message()]})
        return True
