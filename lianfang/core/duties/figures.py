"""A duty's completeness as a core figure, for the practice that owes the duty to register in its
own figures.py (the engine registers none itself: which duties the command view shows, and under
which practice, is the practice's choice):

    register(completeness_figure(HEALTH_CHECKIN, key="schools.checkin_completeness",
                                 label=_("健康打卡完成率"), practice="schools"))

The number is worked out (selectors.completeness: submitted as a share of what was due in the
period); the drill-down lists what is missing on the period's last day, with the responsible party.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianfang.core.figures.registry import Column, Figure, Kind, Period, Units
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope

from .rules import Duty
from .selectors import Counts, completeness, missing_subjects


def completeness_figure(
    duty: Duty, *, key: str, label: Promise | str, practice: str, description: Promise | str = ""
) -> Figure:
    def computed(period: Period, region: Region, scope: Scope) -> tuple[Decimal | None, int, int]:
        return _parts(completeness(scope, duty, period.start, period.end, region=region).total)

    def by_region(
        period: Period, region: Region, scope: Scope
    ) -> dict[int, tuple[int | Decimal | None, int | None, int | None]]:
        result = completeness(scope, duty, period.start, period.end, region=region)
        return {child.pk: _parts(counts) for child, counts in result.by_region}

    return Figure(
        key=key,
        label=label,
        unit=Units.PERCENT,
        kind=Kind.RATE,
        practice=practice,
        rows=lambda period, region: missing_subjects(duty, period.end, region),
        columns=_missing_columns(duty),
        computed=computed,
        computed_by_region=by_region,
        description=description,
        sensitive=duty.sensitive_roster,
        target=Decimal(100),
    )


def _parts(total: Counts) -> tuple[Decimal | None, int, int]:
    due = total.expected - total.waiting
    return total.rate, min(total.submitted, due), due


def missing_figure(
    duty: Duty, *, key: str, label: Promise | str, practice: str, unit: Promise | str, description: Promise | str = ""
) -> Figure:
    """What of a duty is missing on the period's last day (classes without 晨检, shops not inspected):
    an attention item of the command view, whose drill-down is the same list as the completeness's."""
    return Figure(
        key=key,
        label=label,
        unit=unit,
        kind=Kind.SNAPSHOT,
        practice=practice,
        rows=lambda period, region: missing_subjects(duty, period.end, region),
        columns=_missing_columns(duty),
        description=description,
        sensitive=duty.sensitive_roster,
        attention=True,
    )


def _missing_columns(duty: Duty) -> tuple[Column, ...]:
    return (
        Column("name", duty.subject_label),
        Column("region__name", _("region")),
        Column("responsible_user__full_name", _("responsible person")),
        Column("responsible_unit__name", _("responsible organisation")),
        Column("responsible_department__name", _("responsible office")),
    )
