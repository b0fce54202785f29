"""每日最少过一遍: the coverage page's numbers, the inspector's shops not yet inspected, the teams'
reminder at 16:00 and the coverage figure, over a suspended shop, a shop closed for the day (歇业)
and a team with no round."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from lianfang.core.duties.reminders import send_duty_reminders
from lianfang.core.figures.registry import Period, registry
from lianfang.core.notices.models import Notification
from lianfang.core.regions.scoping import Scope
from lianfang.markets.coverage import coverage, not_inspected_by_community
from lianfang.markets.services import round_start, shop_inspect, shop_pause
from lianfang.markets.states import Kind, ShopState

from .conftest import MarketWorld

pytestmark = pytest.mark.django_db


def _fixture(m: MarketWorld) -> dt.date:
    """Yesterday 一队 suspends 便民小超市; today it finds 老王烩面馆 in order, 豆腐坊 is closed (歇业)
    and 二队 does not go out."""
    yesterday = m.today - dt.timedelta(days=1)
    at = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(10, 0)))
    round_start(actor=m["a1"], members=[m["a1"], m["a2"]], day=yesterday)
    shop_inspect(
        actor=m["a1"],
        shop=m.shops[1],
        kind=Kind.ROUTINE,
        answers=m.answers(m.epidemic, 1),
        inspectors=[m["a2"]],
        inspected_at=at,
    )
    shop_inspect(actor=m["a1"], shop=m.shops[0], kind=Kind.ROUTINE, answers=m.answers(m.epidemic), inspectors=[m["a2"]])
    shop_pause(actor=m.world["market"], shop=m.shops[2], starts_on=m.today, ends_on=m.today, note="春节歇业")
    return yesterday


def test_the_coverage_page_counts_each_team_and_subdistrict(markets: MarketWorld) -> None:
    yesterday = _fixture(markets)
    assert markets.reload(markets.shops[1]).state == ShopState.SUSPENDED
    staff = markets.world["market"]
    today = [(r.team, r.subdistrict, r.due, r.inspected, r.rate) for r in coverage(staff, markets.today)]
    assert [(t, s, d, i, str(r)) for t, s, d, i, r in today] == [
        ("执法一队", "济源路街道", 2, 1, "50.0"),  # the suspended shop is still owed; the closed one is not
        ("执法二队", "中心路街道", 1, 0, "0.0"),  # no round
    ]
    before = [(r.team, r.subdistrict, r.due, r.inspected, str(r.rate)) for r in coverage(staff, yesterday)]
    assert before == [("执法一队", "济源路街道", 3, 1, "33.3"), ("执法二队", "中心路街道", 1, 0, "0.0")]
    # The day before: no team went out.
    quiet = [(r.team, r.due, r.inspected, str(r.rate)) for r in coverage(staff, yesterday - dt.timedelta(days=1))]
    assert quiet == [("执法一队", 3, 0, "0.0"), ("执法二队", 1, 0, "0.0")]
    missing = coverage(staff, markets.today)[0].missing
    assert [s.name for s in missing] == ["便民小超市"]


def test_the_figure_of_daily_coverage_agrees(markets: MarketWorld) -> None:
    yesterday = _fixture(markets)
    value = registry.figures["markets.daily_coverage"].compute(
        Period.day(yesterday), markets.world.district, Scope.everything()
    )
    assert (value.numerator, value.denominator, str(value.value)) == (1, 4, "25.0")


def test_an_inspector_sees_the_teams_shops_not_yet_inspected_by_community(markets: MarketWorld) -> None:
    _fixture(markets)
    mine = not_inspected_by_community(markets["a3"], markets.today, markets.team_a.pk)
    assert {community: [s.name for s in shops] for community, shops in mine.items()} == {"济源路社区": ["便民小超市"]}


def test_each_team_is_reminded_once_at_four_of_its_shops_not_inspected(markets: MarketWorld) -> None:
    _fixture(markets)
    four = timezone.make_aware(dt.datetime.combine(markets.today, dt.time(16, 1)))
    send_duty_reminders(now=four - dt.timedelta(minutes=5))
    assert not Notification.objects.filter(key__startswith="duty:markets").exists()  # not before 16:00
    send_duty_reminders(now=four)
    send_duty_reminders(now=four + dt.timedelta(minutes=10))  # a second run sends nothing again
    sent = Notification.objects.filter(key__startswith="duty:markets")
    by_user = {n.user.username: n for n in sent}
    assert set(by_user) == {"a1", "a2", "a3", "b1", "b2"} and sent.count() == 5
    assert "便民小超市" in by_user["a1"].body and "中心路包子铺" not in by_user["a1"].body
    assert "中心路包子铺" in by_user["b1"].body


def test_a_team_named_on_the_shop_overrides_the_team_of_its_subdistrict(markets: MarketWorld, client: Any) -> None:
    client.force_login(markets.world["market"])
    shop = markets.shops[2]  # 豆腐坊, in 济源路街道 (执法一队's)
    answer = client.post(f"/markets/shops/{shop.pk}/edit/", {"operator": "豆腐坊王老板", "team": markets.team_b.pk})
    assert answer.status_code == 302
    assert markets.reload(shop).operator == "豆腐坊王老板"
    rows = {(r.team, r.subdistrict): r.due for r in coverage(markets.world["market"], markets.today)}
    assert rows == {("执法一队", "济源路街道"): 2, ("执法二队", "济源路街道"): 1, ("执法二队", "中心路街道"): 1}


def test_the_coverage_page_reads_as_many_times_for_eight_shops_as_for_four(markets: MarketWorld, client: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lianfang.core.units.models import Unit, UnitKind, UnitProfile
    from lianfang.markets.services import shops_enrol

    client.force_login(markets.world["market"])
    client.get("/markets/coverage/")
    with CaptureQueriesContext(connection) as four:
        assert client.get("/markets/coverage/").status_code == 200
    units = []
    for n in range(4):
        unit = Unit.objects.create(name=f"新店{n}", region=markets.world.jiyuan_b, address=f"登封路{n}号")
        UnitProfile.objects.create(unit=unit, kind=UnitKind.SMALL_SHOP, department=markets.world.market)
        units.append(unit)
    shops_enrol(actor=markets.world["market"], units=units, from_day=markets.today - dt.timedelta(days=1))
    with CaptureQueriesContext(connection) as eight:
        page = client.get("/markets/coverage/")
    assert "新店3" in page.content.decode()
    assert len(eight.captured_queries) == len(four.captured_queries)
