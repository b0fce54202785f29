"""Figures kept by the jurisdiction registry itself."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lianfang.core.figures.registry import Column, Figure, Kind, Period, Units, in_region, register

from .models import Membership, Region


def _sent_down_rows(period: Period, region: Region) -> QuerySet[Any]:
    postings = Membership.objects.filter(sent_down=True).overlapping(period.start, period.end)
    return in_region(postings, "region", region)


register(
    Figure(
        key="regions.sent_down_staff",
        label=_("Staff sent down"),
        unit=Units.PERSONS,
        kind=Kind.DISTINCT,
        practice="core",
        rows=_sent_down_rows,
        subject="user",
        columns=(
            Column("user__full_name", _("name")),
            Column("region__name", _("community")),
            Column("department__name", _("department")),
            Column("valid_from", _("valid from")),
            Column("valid_until", _("valid until")),
        ),
        description=_("Office staff posted to communities (下沉) at any time in the period; each person once."),
    )
)
