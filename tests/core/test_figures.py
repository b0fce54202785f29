"""The figure contract: each kind, its drill-down, scoping, and every registered figure on the demo data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone

from lianfang.core.demo.loading import SEED_END, SEED_START, load_demo
from lianfang.core.figures.registry import Column, Figure, Kind, Period, Registry, in_region, rate, registry
from lianfang.core.figures.selectors import figure_drill_down, figure_values
from lianfang.core.regions.models import Membership, Region, Role
from lianfang.core.regions.scoping import Scope, scope_for
from tests.world import World, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERIOD = Period(TODAY - dt.timedelta(days=6), TODAY)


def _postings(period: Period, region: Region) -> QuerySet[Any]:
    return in_region(Membership.objects.filter(sent_down=True).overlapping(period.start, period.end), "region", region)


def _all_memberships(period: Period, region: Region) -> QuerySet[Any]:
    return in_region(Membership.objects.overlapping(period.start, period.end), "region", region)


def _active_at_end(period: Period, region: Region) -> QuerySet[Any]:
    return in_region(Membership.objects.active_on(period.end), "region", region)


COLUMNS = (Column("user__username", "user"), Column("region__code", "region"), Column("id", "id"))
TEST_FIGURES = Registry()
TEST_FIGURES.register(Figure("t.count", "postings", "项", Kind.COUNT, "test", _postings, COLUMNS))
TEST_FIGURES.register(Figure("t.distinct", "people", "名", Kind.DISTINCT, "test", _postings, COLUMNS, subject="user"))
TEST_FIGURES.register(
    Figure("t.sum", "sum of ids", "万", Kind.SUM, "test", _postings, COLUMNS, amount="id", scale=Decimal(10))
)
TEST_FIGURES.register(
    Figure("t.rate", "share sent down", "%", Kind.RATE, "test", _postings, COLUMNS, denominator=_all_memberships)
)
TEST_FIGURES.register(Figure("t.snapshot", "active at the end", "项", Kind.SNAPSHOT, "test", _active_at_end, COLUMNS))


def _post(world: World, region: Region, user: Any = None, start: int = 3, end: int = 1, **extra: Any) -> Membership:
    return Membership.objects.create(
        user=user or make_user(f"p{Membership.objects.count()}", password=None),
        role=Role.FIELD_WORKER,
        region=region,
        sent_down=True,
        valid_from=TODAY - dt.timedelta(days=start),
        valid_until=TODAY - dt.timedelta(days=end),
        **extra,
    )


def assert_matches_its_drill_down(figure: Figure, period: Period, region: Region, scope: Scope) -> Any:
    """A count equals its rows, a distinct count its distinct subjects, a sum the sum of its rows,
    and a rate its two lists — computed here in Python from the drill-down, not from the figure."""
    drill = (
        figure_drill_down(scope=scope, key=figure.key, period=period, region=region)
        if registry.get(figure.key)
        else None
    )
    value = figure.compute(period, region, scope)
    if figure.computed is not None and figure.kind == Kind.RATE:
        # A duty's completeness: worked out from the rules (its drill-down lists what is missing
        # on the last day, not the rows of the numerator); it is its numerator over its denominator.
        assert value.numerator is not None and value.denominator is not None
        assert value.value == rate(value.numerator, value.denominator)
        return value
    rows = list((drill.rows if drill else figure.numerator_rows(period, region, scope)).values())
    if figure.kind in (Kind.COUNT, Kind.SNAPSHOT):
        assert value.value == len(rows)
    elif figure.kind == Kind.DISTINCT:
        assert figure.subject is not None
        assert value.value == len(
            {r[f"{figure.subject}_id"] if f"{figure.subject}_id" in r else r[figure.subject] for r in rows}
        )
    elif figure.kind == Kind.SUM:
        assert figure.amount is not None
        total = sum(Decimal(r[figure.amount]) for r in rows)
        assert value.value == (total / figure.scale).quantize(Decimal("0.01")).normalize()
    else:
        denominator = figure.denominator_rows(period, region, scope)
        assert denominator is not None
        assert value.numerator == len(rows) and value.denominator == denominator.count()
        assert value.value == rate(len(rows), denominator.count())
    return value


def test_each_kind_of_figure_equals_its_drill_down(world: World) -> None:
    person = make_user("twice", password=None)
    _post(world, world.jiyuan_a, user=person)
    _post(world, world.jiyuan_b, user=person)
    _post(world, world.jiyuan_b)
    _post(world, world.zhongxin_a)
    _post(world, world.jiyuan_a, start=30, end=20)  # outside the period
    values = {
        f.key: assert_matches_its_drill_down(f, PERIOD, world.jiyuan, Scope.everything()) for f in TEST_FIGURES.all()
    }
    assert values["t.count"].value == 3
    assert values["t.distinct"].value == 2
    # 3 postings + the jiyuan, worker and expired (ended yesterday, inside the period) memberships
    assert values["t.rate"].denominator == 6 and values["t.rate"].value == Decimal("50.0")
    assert (
        values["t.snapshot"].value
        == Membership.objects.active_on(TODAY).filter(region__code__startswith="410106001").count()
    )


def test_a_figure_counts_only_rows_in_the_viewers_scope(world: World) -> None:
    _post(world, world.jiyuan_a, department=world.market)
    _post(world, world.zhongxin_a, department=world.market)
    _post(world, world.zhongxin_a)
    count = TEST_FIGURES.get("t.count")
    assert count is not None
    assert count.compute(PERIOD, world.district, scope_for(world["commander"])).value == 3
    assert count.compute(PERIOD, world.district, scope_for(world["market"])).value == 2
    assert count.compute(PERIOD, world.jiyuan, scope_for(world["jiyuan"])).value == 1
    assert count.compute(PERIOD, world.district, scope_for(world["admin"])).value == 0


def test_a_rate_with_nothing_to_divide_by_has_no_value(world: World) -> None:
    value = TEST_FIGURES.get("t.rate").compute(PERIOD, world.zhongxin_a, scope_for(world["admin"]))  # type: ignore[union-attr]
    assert value.value is None and value.display == "—"


def test_asking_for_a_region_outside_the_jurisdiction_is_refused(world: World) -> None:
    with pytest.raises(PermissionDenied):
        figure_values(scope=scope_for(world["jiyuan"]), period=PERIOD, region=world.zhongxin)


def test_a_figure_must_declare_what_its_kind_needs() -> None:
    with pytest.raises(ValueError):
        Figure("bad", "bad", "项", Kind.SUM, "test", _postings, COLUMNS)
    with pytest.raises(ValueError):
        TEST_FIGURES.register(Figure("t.count", "again", "项", Kind.COUNT, "test", _postings, COLUMNS))


@pytest.fixture
def demo(db: Any) -> None:
    load_demo()


def test_every_registered_figure_equals_its_drill_down_on_the_demo_data(demo: None) -> None:
    district = Region.objects.get(code="410106000000")
    regions = [district, *Region.objects.filter(parent=district)]
    periods = [Period(SEED_START, SEED_END), Period(TODAY - dt.timedelta(days=13), TODAY), Period.day(TODAY)]
    assert registry.all(), "no figures are registered"
    for figure in registry.all():
        for period in periods:
            for region in regions:
                assert_matches_its_drill_down(figure, period, region, Scope.everything())


def test_the_seed_periods_sent_down_staff_are_the_bulletins_160_odd(demo: None) -> None:
    zhongxin = Region.objects.get(name="中心路街道")
    figure = registry.get("regions.sent_down_staff")
    assert figure is not None
    assert figure.compute(Period(SEED_START, SEED_END), zhongxin, Scope.everything()).value == 163


def test_the_figures_command_prints_every_figure_for_a_period_and_region(demo: None) -> None:
    out = StringIO()
    call_command("figures", "--from", "2022-01-01", "--to", "2022-01-14", "--region", "410106002000", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == len(registry.all())
    _key, label, value, unit = next(line for line in lines if line.startswith("regions.sent_down_staff")).split("\t")
    assert value == "163" and label and unit


def test_the_figures_command_names_a_bad_argument(demo: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="region"):
        call_command("figures", "--region", "999999999999")
    with pytest.raises(CommandError, match="from"):
        call_command("figures", "--from", "2022-02-30")


def test_the_figures_api_answers_what_the_command_prints(demo: None, client: Client) -> None:
    from lianfang.core.accounts.models import User

    client.force_login(User.objects.get(username="zhongxin"))
    body = client.get("/api/v1/figures/", {"from": "2022-01-01", "to": "2022-01-14"}).json()
    assert body["region"] == "410106002000"
    by_key = {f["key"]: f for f in body["figures"]}
    assert by_key["regions.sent_down_staff"]["value"] == 163
    rows = client.get(
        "/api/v1/figures/regions.sent_down_staff/rows/", {"from": "2022-01-01", "to": "2022-01-14"}
    ).json()
    assert len({tuple(r) for r in rows["rows"]}) == len(rows["rows"]) >= 163
    assert client.get("/api/v1/figures/", {"from": "2022-01-14", "to": "2022-01-01"}).json()["fields"]["to"]
    # A year the district never saw is a field error, not a date overflow in the period's arithmetic.
    far = client.get("/api/v1/figures/", {"from": "0001-01-01"})
    assert far.status_code == 400 and "2000" in far.json()["fields"]["from"][0]
    assert client.get("/api/v1/figures/nope/rows/").status_code == 404


def test_the_command_page_links_each_figure_to_the_rows_behind_it(demo: None, client: Client) -> None:
    from lianfang.core.accounts.models import User

    client.force_login(User.objects.get(username="zhongxin"))
    page = client.get("/command/figures/", {"from": "2022-01-01", "to": "2022-01-14"}).content.decode()
    assert "163" in page and "/command/figures/regions.sent_down_staff/" in page
    rows = client.get(
        "/command/figures/regions.sent_down_staff/",
        {"from": "2022-01-01", "to": "2022-01-14", "region": "410106002000"},
    )
    assert rows.status_code == 200 and rows.context["page"].paginator.count >= 163
    assert rows.content.decode().count("<tr>") == 101  # a header and the first page of 100
    second = client.get(
        "/command/figures/regions.sent_down_staff/",
        {"from": "2022-01-01", "to": "2022-01-14", "region": "410106002000", "page": "2"},
    )
    assert second.content.decode().count("<tr>") == rows.context["page"].paginator.count - 100 + 1
