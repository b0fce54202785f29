"""Reads of the organisation registry, through the scoping layer."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from lianfang.core.regions.scoping import scope_for

from .models import Unit


def unit_list(user: Any, *, kind: str | None = None) -> QuerySet[Unit]:
    units = scope_for(user).filter(Unit.objects.select_related("region", "contact").prefetch_related("profiles"))
    if kind:
        units = units.filter(profiles__kind=kind).distinct()
    return units


def unit_search(user: Any, query: str, *, kind: str | None = None) -> QuerySet[Unit]:
    """A credit code, a name, or pinyin initials."""
    units = unit_list(user, kind=kind)
    text = query.strip()
    if not text:
        return units
    condition = Q(name__icontains=text) | Q(credit_code=text.upper())
    if re.fullmatch(r"[A-Za-z]{1,10}", text):
        condition |= Q(name_initials__startswith=text.lower())
    return units.filter(condition)
