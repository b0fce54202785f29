from typing import Any

from django.http import HttpRequest

from lianfang.core.accounts.admin_site import admin_site
from lianfang.core.audit.admin import AuditedAdmin

from .models import Department, Membership, Region
from .services import department_save, membership_save, region_save


class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    save_service = staticmethod(region_save)


class DepartmentAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    save_service = staticmethod(department_save)


class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "region", "department", "sent_down", "valid_from", "valid_until"]
    list_filter = ["role", "sent_down", "department"]
    search_fields = ["user__username", "user__full_name", "region__name"]
    autocomplete_fields = ["user", "region"]
    save_service = staticmethod(membership_save)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A membership belongs to one person: to serve someone else, end it and grant a new one.
        return ["user"] if obj is not None else []


admin_site.register(Region, RegionAdmin)
admin_site.register(Department, DepartmentAdmin)
admin_site.register(Membership, MembershipAdmin)
