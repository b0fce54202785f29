"""Admin pieces shared by every registry: saves go through the audited write path, history shows
the audit log, and nobody deletes rows from the admin (records are ended or deactivated)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from lianfang.core.accounts.permissions import is_registry_admin

from .selectors import record_history
from .services import audited_save


class AuditedAdmin(admin.ModelAdmin[Any]):
    save_service: Any = None  # a service `(actor=, <model_name>=)`; default: the audited save

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_registry_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_registry_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_registry_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_registry_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        if self.save_service is not None:
            self.save_service(actor=request.user, **{obj._meta.model_name or "obj": obj})
        else:
            audited_save(actor=request.user, instance=obj)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),
            "title": str(obj),
            "opts": self.opts,
            "object": obj,
            "events": record_history(obj)[:200],
        }
        return TemplateResponse(request, "audit/record_history.html", context)
