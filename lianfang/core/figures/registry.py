"""The figure registry: the contract between the practices and the command view and bulletin.

A practice declares each of its figures in its `figures.py` with `register(Figure(...))`. A figure
is computed from the same queryset that its drill-down lists, after the viewer's scoping, so a
number can always be traced to the rows behind it. Nothing here is typed in by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope


class Kind(models.TextChoices):
    COUNT = "count", _("count of rows")
    DISTINCT = "distinct", _("count of distinct subjects")
    SUM = "sum", _("total")
    RATE = "rate", _("rate")
    SNAPSHOT = "snapshot", _("snapshot as of the last day")


# How each kind of figure reads above its number; the unit follows (合计（人）, never 金额合计 for people).
MEASURES: dict[Kind, Promise] = {
    Kind.COUNT: pgettext_lazy("figure", "Count"),
    Kind.DISTINCT: pgettext_lazy("figure", "Count, each once"),
    Kind.SUM: pgettext_lazy("figure", "Total"),
    Kind.RATE: pgettext_lazy("figure", "Rate"),
    Kind.SNAPSHOT: pgettext_lazy("figure", "On the last day"),
}


class Units:
    """The units figures are counted in, one word each as the bulletin writes them (153人, 517万元)."""

    PERSONS = pgettext_lazy("unit", "persons")
    ENTERPRISES = pgettext_lazy("unit", "enterprises")
    ITEMS = pgettext_lazy("unit", "items")
    TIMES = pgettext_lazy("unit", "times")
    HOURS = pgettext_lazy("unit", "hours")
    TEN_THOUSAND_YUAN = pgettext_lazy("unit", "10,000 yuan")
    PERCENT = "%"


@dataclass(frozen=True)
class Period:
    """A closed range of days in Asia/Shanghai."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the period ends before it starts")

    @classmethod
    def day(cls, day: dt.date) -> Period:
        return cls(day, day)

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def ends_before(self) -> dt.datetime:
        """The first instant after the period (an exclusive bound for datetime columns)."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))


RowsQuery = Callable[[Period, Region], "models.QuerySet[Any]"]
# A figure whose number is worked out rather than counted from rows (the completeness of a duty:
# its expected obligations are not rows): (value, numerator, denominator) for the viewer's scope.
Computed = Callable[["Period", Region, Scope], tuple[int | Decimal | None, int | None, int | None]]
# The same for each region directly under one, worked out at once (a duty's completeness is grouped
# by region in one pass): region id -> (value, numerator, denominator).
ComputedByRegion = Callable[["Period", Region, Scope], dict[int, tuple[int | Decimal | None, int | None, int | None]]]


@dataclass(frozen=True)
class Column:
    path: str
    label: Promise | str
    # For a column of stored keys (a task's kind, say): the choices whose labels are shown instead.
    choices: type[models.Choices] | None = None

    def show(self, value: Any) -> Any:
        if self.choices is None or value is None:
            return value
        try:
            return str(self.choices(value).label)
        except ValueError:
            return value


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise | str
    unit: Promise | str
    kind: Kind
    practice: str
    rows: RowsQuery
    columns: tuple[Column, ...]
    subject: str | None = None  # DISTINCT: the path of what is counted once
    amount: str | None = None  # SUM: the path of the amount
    scale: Decimal = Decimal(1)  # SUM: the stored amount divided by this (元 -> 万元: 10000)
    denominator: RowsQuery | None = None  # RATE: the rows the numerator is a share of
    description: Promise | str = ""
    # Worked out instead of counted (the drill-down still lists `rows`: for a completeness, what
    # is missing on the period's last day).
    computed: Computed | None = None
    computed_by_region: ComputedByRegion | None = None
    # Counts records about people's health, income or disability (who got relief, which
    # households are vulnerable): value and rows come only through grants that may view sensitive
    # records (the commander always may).
    sensitive: bool = False
    # What needs attention (cases past their deadline, duties missing today): the command view lists
    # the figure among its attention items whenever its value is above zero, with yesterday's beside it.
    attention: bool = False
    # A rate's target in percent (coverage and completeness aim at 100): the command view draws the
    # rate against it.
    target: Decimal | None = None
    # The field of the counted rows' model that holds the day a row counts on (a DateField, or a
    # DateTimeField read in Asia/Shanghai). With it, a count, a sum or a rate of rows is additive
    # across days and kept in the daily roll-ups (rollups.py); without it the figure is always live.
    day: str | None = None

    def __post_init__(self) -> None:
        if self.day is not None and "__" in self.day:
            raise ValueError(f"figure {self.key}: its day must be a field of the counted rows' own model")
        if self.target is not None and self.kind != Kind.RATE:
            raise ValueError(f"figure {self.key}: only a rate has a target")
        needs: dict[Kind, object] = {Kind.DISTINCT: self.subject, Kind.SUM: self.amount}
        if self.computed is None:
            needs[Kind.RATE] = self.denominator
        if self.kind in needs and needs[self.kind] is None:
            raise ValueError(f"figure {self.key}: a {self.kind} figure needs its {self.kind} part")

    @property
    def additive(self) -> bool:
        """Kept in the daily roll-ups: counted or summed rows, each on one day. Distinct counts
        (a shop black-flagged on two days is one shop), snapshots and worked-out figures are not."""
        return self.day is not None and self.computed is None and self.kind in (Kind.COUNT, Kind.SUM, Kind.RATE)

    @property
    def measure(self) -> str:
        """What the number is, from the figure's kind and unit: 合计（人）, 去重计数（人）, 计数（项）."""
        return gettext("%(measure)s (%(unit)s)") % {"measure": MEASURES[self.kind], "unit": self.unit}

    def numerator_rows(self, period: Period, region: Region, scope: Scope) -> models.QuerySet[Any]:
        return self._scoped(scope, self.rows(period, region))

    def denominator_rows(self, period: Period, region: Region, scope: Scope) -> models.QuerySet[Any] | None:
        if self.denominator is None:
            return None
        return self._scoped(scope, self.denominator(period, region))

    def _scoped(self, scope: Scope, rows: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return scope.filter_sensitive(rows) if self.sensitive else scope.filter(rows)

    def parts(self, period: Period, region: Region, scope: Scope) -> tuple[Decimal, int | None]:
        """An additive figure's parts over the period: the count or the stored sum, and for a rate
        its denominator. Parts of days add up; the value is made from their totals (from_parts)."""
        rows = self.numerator_rows(period, region, scope)
        if self.kind == Kind.SUM:
            assert self.amount is not None
            return Decimal(rows.aggregate(total=Sum(self.amount))["total"] or 0), None
        denominator_rows = self.denominator_rows(period, region, scope)
        return Decimal(rows.count()), None if denominator_rows is None else denominator_rows.count()

    def from_parts(self, amount: Decimal, denominator: int | None) -> FigureValue:
        if self.kind == Kind.SUM:
            return FigureValue(self, scale_amount(amount, self.scale))
        if self.kind == Kind.RATE:
            numerator, total = int(amount), int(denominator or 0)
            return FigureValue(self, rate(numerator, total), numerator=numerator, denominator=total)
        return FigureValue(self, int(amount))

    def compute_by_region(self, period: Period, region: Region, scope: Scope) -> dict[int, FigureValue] | None:
        """The figure for each region directly under `region` at once, where it can be worked out so."""
        if self.computed_by_region is None:
            return None
        return {
            pk: FigureValue(self, value, numerator=numerator, denominator=denominator)
            for pk, (value, numerator, denominator) in self.computed_by_region(period, region, scope).items()
        }

    def compute(self, period: Period, region: Region, scope: Scope) -> FigureValue:
        if self.additive:
            return self.from_parts(*self.parts(period, region, scope))
        if self.computed is not None:
            value, numerator, denominator = self.computed(period, region, scope)
            return FigureValue(self, value, numerator=numerator, denominator=denominator)
        rows = self.numerator_rows(period, region, scope)
        if self.kind in (Kind.COUNT, Kind.SNAPSHOT):
            return FigureValue(self, rows.count())
        if self.kind == Kind.DISTINCT:
            assert self.subject is not None
            return FigureValue(self, rows.aggregate(n=Count(self.subject, distinct=True))["n"])
        if self.kind == Kind.SUM:
            assert self.amount is not None
            total = rows.aggregate(total=Sum(self.amount))["total"] or Decimal(0)
            return FigureValue(self, scale_amount(Decimal(total), self.scale))
        denominator_rows = self.denominator_rows(period, region, scope)
        assert denominator_rows is not None
        numerator, denominator = rows.count(), denominator_rows.count()
        return FigureValue(self, rate(numerator, denominator), numerator=numerator, denominator=denominator)


def scale_amount(total: Decimal, scale: Decimal) -> Decimal:
    return (total / scale).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()


def rate(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(100) * numerator / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FigureValue:
    figure: Figure
    value: int | Decimal | None
    numerator: int | None = None
    denominator: int | None = None

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        if isinstance(self.value, Decimal):
            text = format(self.value, "f")
            return text.rstrip("0").rstrip(".") if "." in text else text
        return str(self.value)


@dataclass
class Registry:
    figures: dict[str, Figure] = field(default_factory=dict)

    def register(self, figure: Figure) -> Figure:
        if figure.key in self.figures:
            raise ValueError(f"figure {figure.key} is registered twice")
        self.figures[figure.key] = figure
        return figure

    def get(self, key: str) -> Figure | None:
        return self.figures.get(key)

    def all(self) -> list[Figure]:
        return sorted(self.figures.values(), key=lambda f: (f.practice, f.key))


registry = Registry()
register = registry.register


def in_region(queryset: models.QuerySet[Any], path: str, region: Region) -> models.QuerySet[Any]:
    """Rows whose region (at `path`) lies inside `region`; the shared region filter of figures."""
    return queryset.filter(**{f"{path}__code__startswith": region.prefix})
