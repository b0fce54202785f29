"""Reads of the inspection engine: checklists (forms, not records about anyone: every staff
member may read them) and inspections through the scoping layer."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lianfang.core.regions.scoping import scope_for

from .models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Inspection


def checklists() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.select_related("department")


# A version's items never change (a change of items is a new version), so each process reads them
# once. Keyed by the version's id and creation time: a test database reuses ids, not times.
_ITEMS: dict[tuple[int, Any], tuple[ChecklistItem, ...]] = {}
_ITEMS_KEPT = 256


def version_item_list(version: ChecklistVersion) -> list[ChecklistItem]:
    """The version's items in order, read once per process."""
    key = (version.pk, version.created_at)
    found = _ITEMS.get(key)
    if found is None:
        found = tuple(version.items.order_by("position"))
        if len(_ITEMS) >= _ITEMS_KEPT:
            _ITEMS.clear()
        _ITEMS[key] = found
    return list(found)


def inspection_list(user: Any) -> QuerySet[Inspection]:
    rows = Inspection.objects.select_related("version__template", "unit", "region")
    return scope_for(user).filter(rows)
