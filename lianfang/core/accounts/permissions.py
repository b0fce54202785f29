"""Who may maintain what: checked by services, whatever the entry point."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from lianfang.core.audit.services import audit_record_refusal
from lianfang.core.regions.models import Role
from lianfang.core.regions.scoping import scope_for

from .actors import SystemActor


def is_registry_admin(user: Any) -> bool:
    """System administrators maintain regions, departments, users and memberships."""
    if isinstance(user, SystemActor):
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or Role.SYSADMIN in scope_for(user).roles)


def needs_second_factor(user: Any) -> bool:
    """Administrators, auditors, and whoever may reveal full identity numbers and phones."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    scope = scope_for(user)
    return bool(scope.roles & set(settings.OTP_REQUIRED_ROLES)) or scope.may_reveal


def require_registry_admin(user: Any, *, verb: str) -> None:
    if not is_registry_admin(user):
        audit_record_refusal(actor=user, verb=verb, detail="not a system administrator")
        raise PermissionDenied(_("Only a system administrator may do this."))
