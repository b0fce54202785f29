"""Reading the audit log: auditors (and the commander) within their jurisdiction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianfang.core.regions.models import LEVEL_PREFIX_LENGTH, RegionLevel, Role
from lianfang.core.regions.scoping import scope_for

from .models import AuditEvent

DISTRICT_PREFIX = LEVEL_PREFIX_LENGTH[RegionLevel.DISTRICT]


def audit_event_list(user: Any) -> QuerySet[AuditEvent]:
    scope = scope_for(user)
    if not scope.can_read_audit:
        raise PermissionDenied(_("Only auditors may read the audit log."))
    events = scope.filter(AuditEvent.objects.all())
    # Sign-ins, lockouts and recoveries belong to no region: the district's auditors review them.
    if any(g.role == Role.AUDITOR and len(g.region_prefix) <= DISTRICT_PREFIX for g in scope.grants):
        events = events | AuditEvent.objects.filter(region_code="")
    return events


def record_history(record: models.Model) -> QuerySet[AuditEvent]:
    """Who changed a record and when: for the record's own page, shown to those who may see it."""
    return AuditEvent.objects.filter(target_type=record._meta.label_lower, target_id=str(record.pk)).order_by("-id")
