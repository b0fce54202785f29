"""Daily roll-ups: the parts of additive figures per day and region, so that a page over months
reads a few stored rows instead of every record.

- Only additive figures are kept (Figure.additive: counts, sums and rates of rows that each count
  on one day). Distinct counts, snapshots and worked-out figures are always computed live.
- The roll-up regions are the district and the regions directly under it (the subdistricts and
  the town); a page about a community reads live.
- Each rolled day keeps the signature of the figures it was computed by; after an upgrade that adds
  an additive figure or changes one's rows, older days read live until they are rolled again (the
  task re-rolls the last week; `lianfang figures --roll-up --from … --to …` any range).
- Only days before today are rolled. A record of a past day marks that day dirty in its own
  transaction (a post_save or post_delete receiver on the counted models); services that write
  past days in bulk call mark_days_dirty. A dirty day is read live until the task computes it again.
- The parts are computed at the whole district's scope; a reader gets them only where it sees every
  record of the region (Scope.sees_all_in); anyone else reads live, through their scope.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from lianfang.core.job_locks import hold_job_lock
from lianfang.core.regions.models import Region, RegionLevel
from lianfang.core.regions.scoping import Scope

from .models import DailyFigure, DirtyDay, RolledDay
from .registry import Figure, FigureValue, Kind, Period, registry

# Days a periodic run looks back for days never rolled (a consumer that was down for a weekend).
CATCH_UP_DAYS = 7


def additive_figures() -> list[Figure]:
    return [f for f in registry.all() if f.additive]


# The roll-up regions, kept per process for a minute, or until this process changes the tree (a
# receiver below forgets them): another process's change is seen within the minute.
REGIONS_TTL = 60.0
_REGIONS: list[tuple[float, list[Region]]] = []


def rollup_regions() -> list[Region]:
    """The district (each root of the tree) and the regions directly under it."""
    now = time.monotonic()
    if not _REGIONS or now - _REGIONS[0][0] > REGIONS_TTL:
        roots = list(Region.objects.filter(parent__isnull=True).order_by("code"))
        _REGIONS[:] = [(now, roots + list(Region.objects.filter(parent__in=roots).order_by("code")))]
    return list(_REGIONS[0][1])


def forget_regions(**kwargs: Any) -> None:
    _REGIONS.clear()


def _sample_region() -> Region:
    # Building a figure's queryset touches no row; any region will do to learn its model.
    return Region(code="000000000000", name="", level=RegionLevel.DISTRICT)


@functools.cache
def watched_models() -> dict[type[models.Model], tuple[str, ...]]:
    """The models additive figures count, each with the day fields its figures read."""
    period, region = Period.day(dt.date(2000, 1, 1)), _sample_region()
    watched: dict[type[models.Model], set[str]] = defaultdict(set)
    for figure in additive_figures():
        assert figure.day is not None
        watched[figure.rows(period, region).model].add(figure.day)
        if figure.denominator is not None:
            watched[figure.denominator(period, region).model].add(figure.day)
    return {model: tuple(sorted(fields)) for model, fields in watched.items()}


@functools.cache
def signature() -> str:
    """What the stored parts were computed by: each additive figure's key, kind, amount and day,
    and the SQL of its rows. A day rolled under another signature (a figure added or its filter
    changed by an upgrade) is read live until it is rolled again."""
    period, region = Period.day(dt.date(2000, 1, 1)), _sample_region()
    parts = []
    for f in additive_figures():
        denominator = f.denominator(period, region).query if f.denominator is not None else ""
        parts.append(f"{f.key}|{f.kind}|{f.amount}|{f.day}|{f.rows(period, region).query}|{denominator}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


@functools.cache
def current_signature() -> str:
    return signature()


@functools.cache
def _sensitive_models() -> frozenset[str]:
    period, region = Period.day(dt.date(2000, 1, 1)), _sample_region()
    return frozenset(
        f.key for f in additive_figures() if getattr(f.rows(period, region).model, "scope_sensitive", False)
    )


def reads_sensitive(figure: Figure) -> bool:
    """Does the figure count sensitive records (declared so, or its rows' model is sensitive)?"""
    return figure.sensitive or figure.key in _sensitive_models()


def _local_day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, dt.date) else None


def mark_days_dirty(days: Iterable[dt.date]) -> None:
    """Mark past days to be rolled up again (in the caller's transaction). Today is never rolled."""
    today = timezone.localdate()
    marks = [DirtyDay(day=day) for day in sorted(set(days)) if day < today]
    if marks:
        DirtyDay.objects.bulk_create(marks)


def _record_changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    fields = watched_models().get(sender)
    if fields:
        mark_days_dirty(day for day in (_local_day(getattr(instance, f, None)) for f in fields) if day is not None)


def connect() -> None:
    """Listen to the saves and deletes of the models additive figures count (only those: a model
    nobody listens to keeps its prepared inserts, core/prepared.py)."""
    post_save.connect(forget_regions, sender=Region, dispatch_uid="figures.rollups.regions.saved")
    post_delete.connect(forget_regions, sender=Region, dispatch_uid="figures.rollups.regions.deleted")
    for model in watched_models():
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"figures.rollups.saved.{model._meta.label}")
        post_delete.connect(_record_changed, sender=model, dispatch_uid=f"figures.rollups.deleted.{model._meta.label}")


def _day_expression(figure: Figure, model: type[models.Model]) -> Any:
    assert figure.day is not None
    field = model._meta.get_field(figure.day)
    if isinstance(field, models.DateTimeField):
        return TruncDate(figure.day, tzinfo=timezone.get_default_timezone())
    return models.F(figure.day)


def _parts_by_day(figure: Figure, period: Period, region: Region) -> dict[dt.date, tuple[Decimal, int | None]]:
    """The figure's parts on each day of the period with any, at the whole district's scope."""
    scope = Scope.everything()
    rows = figure.numerator_rows(period, region, scope).order_by()
    amount: Any = Sum(figure.amount) if figure.kind == Kind.SUM else Count("pk")
    numerators = {
        row["d"]: Decimal(row["n"] or 0)
        for row in rows.annotate(d=_day_expression(figure, rows.model)).values("d").annotate(n=amount).values("d", "n")
    }
    denominators: dict[dt.date, int] = {}
    denominator_rows = figure.denominator_rows(period, region, scope)
    if denominator_rows is not None:
        denominator_rows = denominator_rows.order_by()
        day = _day_expression(figure, denominator_rows.model)
        denominators = {
            row["d"]: row["n"]
            for row in denominator_rows.annotate(d=day).values("d").annotate(n=Count("pk")).values("d", "n")
        }
        return {d: (numerators.get(d, Decimal(0)), denominators.get(d, 0)) for d in {*numerators, *denominators}}
    return {d: (n, None) for d, n in numerators.items()}


def _runs(days: list[dt.date]) -> list[Period]:
    """Sorted days as the fewest closed periods."""
    runs: list[Period] = []
    for day in days:
        if runs and runs[-1].end + dt.timedelta(days=1) == day:
            runs[-1] = Period(runs[-1].start, day)
        else:
            runs.append(Period.day(day))
    return runs


@transaction.atomic
def roll_up(days: Iterable[dt.date]) -> int:
    """Compute and store the parts of every additive figure on these days (those before today);
    returns the number of days rolled.

    It deletes exactly the dirty marks of these days that it read before computing, in the
    transaction that stores the parts: a mark is committed with its record, so a mark it read has a
    record its computation sees, and a mark committed later (whose record it may have missed) is
    kept for the next run."""
    today = timezone.localdate()
    wanted = sorted({d for d in days if d < today})
    if not wanted:
        return 0
    hold_job_lock("figures.roll_up")  # two consumers' runs, one after the other
    marks = list(DirtyDay.objects.filter(day__in=wanted).values_list("pk", flat=True))
    regions, figures = rollup_regions(), additive_figures()
    rows: list[DailyFigure] = []
    for run in _runs(wanted):
        for figure in figures:
            for region in regions:
                for day, (amount, denominator) in _parts_by_day(figure, run, region).items():
                    if amount or denominator:
                        rows.append(
                            DailyFigure(key=figure.key, day=day, region=region, amount=amount, denominator=denominator)
                        )
    for run in _runs(wanted):
        DailyFigure.objects.filter(day__gte=run.start, day__lte=run.end).delete()
    DailyFigure.objects.bulk_create(rows, batch_size=2000)
    now, signed = timezone.now(), current_signature()
    done = set(RolledDay.objects.filter(day__in=wanted).values_list("day", flat=True))
    RolledDay.objects.filter(day__in=done).update(computed_at=now, signature=signed)
    RolledDay.objects.bulk_create(
        [RolledDay(day=d, computed_at=now, signature=signed) for d in wanted if d not in done]
    )
    DirtyDay.objects.filter(pk__in=marks).delete()
    return len(wanted)


def roll_up_due() -> int:
    """The periodic run: the dirty days, and any of the last CATCH_UP_DAYS days never rolled."""
    today = timezone.localdate()
    recent = {today - dt.timedelta(days=n) for n in range(1, CATCH_UP_DAYS + 1)}
    dirty = set(DirtyDay.objects.values_list("day", flat=True).distinct())
    rolled = set(RolledDay.objects.filter(day__in=recent, signature=current_signature()).values_list("day", flat=True))
    return roll_up(dirty | (recent - rolled))


def clean_days(period: Period) -> set[dt.date]:
    """The days of the period whose stored parts may be read: rolled by the current figures, and not
    marked since."""
    marked = DirtyDay.objects.filter(day=OuterRef("day"))
    rows = (
        RolledDay.objects.filter(day__gte=period.start, day__lte=period.end, signature=current_signature())
        .annotate(dirty=Exists(marked))
        .values_list("day", "dirty")
    )
    return {day for day, dirty in rows if not dirty}


def rolled_values(
    figures: list[Figure], period: Period, regions: list[Region], scope: Scope
) -> dict[tuple[str, int], FigureValue]:
    """Additive figures' values for each region: stored parts for the clean days, live parts for the
    others (today, dirty days, days never rolled). The caller has checked that the scope sees every
    record of these regions, and that they are roll-up regions."""
    clean = clean_days(period)
    totals: dict[tuple[str, int], list[Any]] = {
        (f.key, r.pk): [Decimal(0), 0 if f.kind == Kind.RATE else None] for f in figures for r in regions
    }
    if clean:
        # Exactly the clean days: a day rolled while this reads is counted live, not twice.
        stored = DailyFigure.objects.filter(key__in=[f.key for f in figures], region__in=regions, day__in=sorted(clean))
        for row in stored.order_by().values("key", "region").annotate(a=Sum("amount"), d=Sum("denominator")):
            total = totals[(row["key"], row["region"])]
            total[0] += row["a"] or 0
            if total[1] is not None:
                total[1] += row["d"] or 0
    days = [period.start + dt.timedelta(days=n) for n in range((period.end - period.start).days + 1)]
    live = _runs([d for d in days if d not in clean])
    for figure in figures:
        for region in regions:
            total = totals[(figure.key, region.pk)]
            for run in live:
                amount, denominator = figure.parts(run, region, scope)
                total[0] += amount
                if total[1] is not None:
                    total[1] += denominator or 0
    return {
        (f.key, r.pk): f.from_parts(totals[(f.key, r.pk)][0], totals[(f.key, r.pk)][1])
        for f in figures
        for r in regions
    }


def rolled_series(figures: list[Figure], period: Period, region: Region, scope: Scope) -> dict[str, list[FigureValue]]:
    """Additive figures' values on each day of the period in one roll-up region: stored parts for
    the clean days, live parts for each other day. The caller has checked the scope, as above."""
    clean = clean_days(period)
    days = [period.start + dt.timedelta(days=n) for n in range((period.end - period.start).days + 1)]
    parts: dict[tuple[str, dt.date], tuple[Decimal, int | None]] = {}
    if clean:
        stored = DailyFigure.objects.filter(key__in=[f.key for f in figures], region=region, day__in=sorted(clean))
        for key, day, amount, denominator in stored.values_list("key", "day", "amount", "denominator"):
            parts[(key, day)] = (amount, denominator)
    series: dict[str, list[FigureValue]] = {}
    for figure in figures:
        values = []
        for day in days:
            if day in clean:
                amount, denominator = parts.get(
                    (figure.key, day), (Decimal(0), 0 if figure.kind == Kind.RATE else None)
                )
            else:
                amount, denominator = figure.parts(Period.day(day), region, scope)
            values.append(figure.from_parts(amount, denominator))
        series[figure.key] = values
    return series
