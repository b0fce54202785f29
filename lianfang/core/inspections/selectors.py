"""Reads of the inspection engine: checklists (forms, not records about anyone: every staff
member may read them) and inspections through the scoping layer."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lianfang.core.regions.scoping import scope_for

from .models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Inspection


def checklists() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.select_related("department")


def version_items(version: ChecklistVersion) -> QuerySet[ChecklistItem]:
    return version.items.order_by("position")


def inspection_list(user: Any) -> QuerySet[Inspection]:
    rows = Inspection.objects.select_related("version__template", "unit", "region")
    return scope_for(user).filter(rows)
