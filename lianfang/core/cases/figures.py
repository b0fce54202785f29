"""The cases' figure for the command view: open cases past their deadline, an attention item.

Cases are the core's, so every practice's loops (enterprises' problems, black-flag rectification,
cluster alerts) are counted here once, each listed with its kind and where it stands."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lianfang.core.figures.registry import Column, Figure, Kind, Period, Units, in_region, register
from lianfang.core.regions.models import Region

from .models import Case
from .states import State


def _overdue(period: Period, region: Region) -> QuerySet[Any]:
    """Cases reported by the period's end, still open at its end, whose deadline fell before its last day."""
    rows = Case.objects.filter(created_at__lt=period.ends_before, deadline__lt=period.end).filter(
        Q(is_closed=False) | Q(closed_at__gte=period.ends_before)
    )
    return in_region(rows, "region", region)


register(
    Figure(
        key="cases.overdue",
        label=_("Cases past their deadline"),
        unit=Units.ITEMS,
        kind=Kind.SNAPSHOT,
        practice="cases",
        rows=_overdue,
        columns=(
            Column("title", _("title")),
            Column("region__name", _("region")),
            Column("owner_department__name", _("owning department")),
            Column("assignee__full_name", _("assigned to")),
            Column("state", _("status"), choices=State),
            Column("deadline", _("deadline")),
        ),
        description=_("Cases still open at the end of the period whose deadline had passed."),
        attention=True,
    )
)
