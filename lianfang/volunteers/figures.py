"""Figures of the volunteers practice: enterprise volunteers at testing sites, and hours served.

Both count shifts by the day their task starts, in the task's region, and leave withdrawn
shifts out; the drill-down lists the shifts themselves.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lianfang.core.figures.registry import Column, Figure, Kind, Period, Units, in_region, register
from lianfang.core.regions.models import Region

from .models import Shift, TaskKind


def _shifts(period: Period, region: Region) -> QuerySet[Any]:
    shifts = Shift.objects.filter(
        withdrawn_at__isnull=True,
        task__starts_at__gte=period.starts_at,
        task__starts_at__lt=period.ends_before,
    )
    return in_region(shifts, "task__region", region)


def enterprise_testing_site_shifts(period: Period, region: Region) -> QuerySet[Any]:
    """Shifts of enterprise volunteers (dispatched or signed up by their enterprise) at testing sites."""
    return _shifts(period, region).filter(volunteer__unit__isnull=False, task__kind=TaskKind.TESTING_SITE)


def served_shifts(period: Period, region: Region) -> QuerySet[Any]:
    """Shifts with hours (checked out, or corrected by staff)."""
    return _shifts(period, region).filter(hours__isnull=False)


register(
    Figure(
        key="volunteers.enterprise_volunteers_dispatched",
        label=_("Enterprise volunteers at testing sites"),
        unit=Units.PERSONS,
        kind=Kind.DISTINCT,
        practice="volunteers",
        rows=enterprise_testing_site_shifts,
        subject="volunteer",
        columns=(
            Column("volunteer__person__name", _("name")),
            Column("volunteer__person__phone_masked", _("mobile")),
            Column("volunteer__unit__name", _("enterprise")),
            Column("task__title", _("task")),
            Column("task__place", _("place")),
            Column("task__region__name", _("region")),
            Column("task__starts_at", _("starts at")),
            Column("hours", _("hours")),
        ),
        description=_(
            "Volunteers of enterprises dispatched to (or signed up for) nucleic-acid testing site shifts "
            "that start in the period; each person once."
        ),
    )
)

register(
    Figure(
        key="volunteers.hours",
        label=_("Volunteer hours"),
        unit=Units.HOURS,
        kind=Kind.SUM,
        practice="volunteers",
        rows=served_shifts,
        amount="hours",
        columns=(
            Column("volunteer__person__name", _("name")),
            Column("volunteer__unit__name", _("enterprise")),
            Column("volunteer__region__name", _("community")),
            Column("task__kind", _("kind"), choices=TaskKind),
            Column("task__title", _("task")),
            Column("task__starts_at", _("starts at")),
            Column("checked_in_at", _("checked in at")),
            Column("checked_out_at", _("checked out at")),
            Column("hours", _("hours")),
        ),
        description=_("Hours served on tasks that start in the period, from check-in and check-out or as corrected."),
    )
)


def checked_in_shifts(period: Period, region: Region) -> QuerySet[Any]:
    """Shifts checked in during the period (whatever the task), in the task's region."""
    shifts = Shift.objects.filter(
        withdrawn_at__isnull=True, checked_in_at__gte=period.starts_at, checked_in_at__lt=period.ends_before
    )
    return in_region(shifts, "task__region", region)


register(
    Figure(
        key="volunteers.active",
        label=_("Volunteers active"),
        unit=Units.PERSONS,
        kind=Kind.DISTINCT,
        practice="volunteers",
        rows=checked_in_shifts,
        subject="volunteer",
        columns=(
            Column("volunteer__person__name", _("volunteer")),
            Column("task__title", _("task")),
            Column("task__region__name", _("region")),
            Column("checked_in_at", _("checked in at")),
        ),
        description=_("Volunteers with a shift checked in during the period; each person once."),
    )
)
