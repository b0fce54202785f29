"""What every viewset of scoped records does alike: writes only by roles that write, and a record
only through the viewset's selector, by a bounded id (404 for anything outside the scope)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from lianfang.core.regions.scoping import scope_for

from .lookups import record_id


class ScopedRecords:
    """Mix into a GenericViewSet and define `visible()`: the records the request's user may see."""

    def visible(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_object(self) -> Any:
        pk = record_id(self.kwargs.get("pk"))  # type: ignore[attr-defined]
        record: Model | None = self.visible().filter(pk=pk).first()
        if record is None:
            raise Http404
        return record

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)  # type: ignore[misc]
        if request.method not in SAFE_METHODS and not scope_for(request.user).can_write:
            raise exceptions.PermissionDenied()
