"""The daily roll-ups (core/figures/rollups.py): stored parts equal the live figures, distinct figures
stay live, a late record marks its day dirty in its own transaction, and only readers who see every
record of a region get the stored parts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from lianfang.core.figures.models import DailyFigure, DirtyDay, RolledDay
from lianfang.core.figures.registry import Period, registry
from lianfang.core.figures.rollups import additive_figures, roll_up, roll_up_due, rollup_regions
from lianfang.core.figures.selectors import figure_series, figure_values, figure_values_by_region
from lianfang.core.regions.scoping import Scope, scope_for
from lianfang.markets.models import ShopInspection
from lianfang.markets.states import Outcome
from tests.markets.conftest import MarketWorld, build_markets
from tests.world import World

MASKS = 3  # the epidemic checklist's item whose failure gives a black flag


@pytest.fixture
def markets(world: World) -> MarketWorld:
    return build_markets(world)


def _days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def _black_twice(markets: MarketWorld) -> tuple[dt.date, dt.date]:
    """One shop black-flagged four days ago and again two days ago; another shop red three days ago."""
    shop = markets.shops[0]
    first = markets.inspect(shop, MASKS, inspected_at=_days_ago(4))
    second = markets.inspect(shop, MASKS, inspected_at=_days_ago(2))
    markets.inspect(markets.shops[1], inspected_at=_days_ago(3))
    assert first.outcome == Outcome.BLACK and second.outcome in (Outcome.BLACK, Outcome.SUSPENSION)
    return first.day, second.day


def _live(scope: Scope, period: Period, region: object) -> dict[str, object]:
    return {f.key: f.compute(period, region, scope).value for f in registry.all()}  # type: ignore[arg-type]


def test_the_rollups_equal_the_live_figures_over_a_shop_black_flagged_on_two_days(
    markets: MarketWorld, world: World
) -> None:
    first, second = _black_twice(markets)
    today = timezone.localdate()
    period = Period(today - dt.timedelta(days=6), today)
    assert roll_up([period.start + dt.timedelta(days=n) for n in range(7)]) == 6  # today is never rolled
    assert RolledDay.objects.filter(day=today).count() == 0
    assert DailyFigure.objects.filter(key="markets.inspections", region=world.district).count() >= 3
    everyone = Scope.everything()
    for region in rollup_regions():
        shown = {v.figure.key: v.value for v in figure_values(scope=everyone, period=period, region=region)}
        assert shown == _live(everyone, period, region), region.name
    district = {v.figure.key: v.value for v in figure_values(scope=everyone, period=period, region=world.district)}
    # One shop black-flagged on two days is one shop: distinct figures do not add across days.
    assert district["markets.black_flag_shops"] == 1
    assert district["markets.inspections"] == 3
    # Split over the two days, the inspections still add up.
    one = figure_values(scope=everyone, period=Period.day(first), region=world.district, keys=["markets.inspections"])
    two = figure_values(scope=everyone, period=Period.day(second), region=world.district, keys=["markets.inspections"])
    assert one[0].value == 1 and two[0].value == 1


def test_the_stored_parts_are_read_not_recomputed(markets: MarketWorld, world: World) -> None:
    _black_twice(markets)
    today = timezone.localdate()
    roll_up([today - dt.timedelta(days=n) for n in range(1, 8)])
    # A stored part changed behind the task's back shows: the page reads the roll-up.
    row = DailyFigure.objects.get(key="markets.inspections", region=world.district, day=today - dt.timedelta(days=4))
    row.amount = Decimal(40)
    row.save()
    period = Period(today - dt.timedelta(days=6), today - dt.timedelta(days=1))
    value = figure_values(scope=Scope.everything(), period=period, region=world.district, keys=["markets.inspections"])
    assert value[0].value == 42


def test_a_late_record_marks_its_day_dirty_and_the_task_computes_it_again(markets: MarketWorld, world: World) -> None:
    _black_twice(markets)
    today = timezone.localdate()
    roll_up([today - dt.timedelta(days=n) for n in range(1, 8)])
    late_day = today - dt.timedelta(days=5)
    with transaction.atomic():
        markets.inspect(markets.shops[2], inspected_at=_days_ago(5))
        # The mark is written in the record's own transaction.
        assert DirtyDay.objects.filter(day=late_day).exists()
    period = Period(today - dt.timedelta(days=6), today - dt.timedelta(days=1))
    keys = ["markets.inspections"]
    # Until the task runs, the dirty day is read live: the late record counts at once.
    assert figure_values(scope=Scope.everything(), period=period, region=world.district, keys=keys)[0].value == 4
    roll_up_due()
    assert not DirtyDay.objects.exists()
    stored = DailyFigure.objects.get(key="markets.inspections", region=world.district, day=late_day)
    assert stored.amount == 1
    assert figure_values(scope=Scope.everything(), period=period, region=world.district, keys=keys)[0].value == 4


def test_a_record_of_today_leaves_no_mark(markets: MarketWorld) -> None:
    markets.inspect(markets.shops[2])
    assert not DirtyDay.objects.exists()


def test_a_revoked_flag_marks_its_day_so_the_reopened_count_follows(markets: MarketWorld, world: World) -> None:
    _black_twice(markets)
    today = timezone.localdate()
    roll_up([today - dt.timedelta(days=n) for n in range(1, 8)])
    row = ShopInspection.objects.filter(outcome=Outcome.BLACK).order_by("day").first()
    assert row is not None
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at"])
    assert DirtyDay.objects.filter(day=row.day).exists()


def test_a_department_reads_live_through_its_scope_and_a_subdistrict_reads_the_rollups(
    markets: MarketWorld, world: World
) -> None:
    _black_twice(markets)
    today = timezone.localdate()
    roll_up([today - dt.timedelta(days=n) for n in range(1, 8)])
    DailyFigure.objects.filter(key="markets.inspections", region=world.jiyuan).update(amount=Decimal(100))
    period = Period(today - dt.timedelta(days=6), today - dt.timedelta(days=1))
    keys = ["markets.inspections"]
    subdistrict = scope_for(world["jiyuan"])
    department = scope_for(world["market"])
    assert subdistrict.sees_all_in(world.jiyuan) and not department.sees_all_in(world.jiyuan)
    # The subdistrict's staff see every record of their subdistrict: they get the stored parts.
    assert (figure_values(scope=subdistrict, period=period, region=world.jiyuan, keys=keys)[0].value or 0) >= 100
    # The bureau's staff see only their department's records: their figure is computed live.
    live = registry.figures["markets.inspections"].compute(period, world.jiyuan, department).value
    assert figure_values(scope=department, period=period, region=world.jiyuan, keys=keys)[0].value == live == 3


def test_a_region_below_the_subdistricts_reads_live(markets: MarketWorld, world: World) -> None:
    _black_twice(markets)
    today = timezone.localdate()
    roll_up([today - dt.timedelta(days=n) for n in range(1, 8)])
    DailyFigure.objects.all().update(amount=Decimal(100))
    period = Period(today - dt.timedelta(days=6), today - dt.timedelta(days=1))
    regions, values = figure_values_by_region(
        scope=Scope.everything(), period=period, region=world.jiyuan, keys=["markets.inspections"]
    )
    assert [r.name for r in regions] == ["济源路社区", "登封路社区"]
    assert sum(v.value or 0 for v in values["markets.inspections"]) == 3


def test_the_trend_gives_each_day_from_the_rollups_and_today_live(markets: MarketWorld, world: World) -> None:
    _black_twice(markets)
    markets.inspect(markets.shops[2])
    today = timezone.localdate()
    roll_up([today - dt.timedelta(days=n) for n in range(1, 8)])
    _shown, series = figure_series(
        scope=Scope.everything(), period=Period(today - dt.timedelta(days=6), today), region=world.district,
        keys=["markets.inspections", "markets.black_flag_shops"],
    )  # fmt: skip
    assert list(series) == ["markets.inspections"]  # a distinct figure has no daily line
    values = [int(v.value or 0) for v in series["markets.inspections"]]
    assert len(values) == 7 and sum(values) == 4 and values[-1] == 1


def test_every_additive_figure_counts_rows_with_a_day_of_their_own() -> None:
    keys = {f.key for f in additive_figures()}
    assert {"markets.inspections", "markets.inspectors_out", "care.relief_paid"} <= keys
    assert "markets.black_flag_shops" not in keys and "markets.holding_black" not in keys


def test_a_day_rolled_by_other_figures_is_read_live_until_rolled_again(markets: MarketWorld, world: World) -> None:
    _black_twice(markets)
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in range(1, 8)]
    roll_up(days)
    DailyFigure.objects.filter(key="markets.inspections").update(amount=Decimal(100))
    period = Period(today - dt.timedelta(days=6), today - dt.timedelta(days=1))
    keys = ["markets.inspections"]
    assert (
        figure_values(scope=Scope.everything(), period=period, region=world.district, keys=keys)[0].value or 0
    ) >= 100
    # An upgrade changed the figures: the days rolled before it are read live, and the task rolls them again.
    RolledDay.objects.update(signature="an older release")
    assert figure_values(scope=Scope.everything(), period=period, region=world.district, keys=keys)[0].value == 3
    roll_up_due()
    assert RolledDay.objects.exclude(signature="an older release").count() == 7
    assert figure_values(scope=Scope.everything(), period=period, region=world.district, keys=keys)[0].value == 3


def test_the_figures_api_says_which_are_attention_items_and_their_targets(world: World) -> None:
    from django.test import Client

    client = Client()
    client.force_login(world["commander"])
    body = client.get("/api/v1/figures/").json()
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["cases.overdue"]["attention"] is True and figures["cases.overdue"]["target"] is None
    coverage = figures["markets.daily_coverage"]
    assert coverage["target"] == 100 and coverage["attention"] is False
