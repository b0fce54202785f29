from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from lianfang.core.audit.admin import AuditedAdmin
from lianfang.core.audit.services import audit_record

from . import services
from .admin_site import admin_site
from .models import User


class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["username", "full_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_totp", "issue_recovery_codes"]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        # The password form saves the user itself; its change is audited here.
        if request.path.endswith("/password/"):
            revoked, _ = AuthToken.objects.filter(user=obj).delete()
            audit_record(
                actor=request.user, verb="user.set_password", target=obj, detail=f"API tokens revoked: {revoked}"
            )
        return super().log_change(request, obj, message)

    @admin.action(description=_("Reset the authenticator (TOTP) of the selected users"))
    def reset_totp(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.totp_reset(actor=request.user, user=user)
        messages.success(request, _("Authenticators reset; each user enrols again at the next sign-in."))

    @admin.action(description=_("Issue new recovery codes to the selected users"))
    def issue_recovery_codes(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            codes = services.recovery_codes_issue(actor=request.user, user=user)
            messages.info(
                request,
                _("Recovery codes for %(user)s (shown once): %(codes)s") % {"user": user, "codes": "  ".join(codes)},
            )


admin_site.register(User, UserAdmin)
