"""The demo's 红黑旗 reproduce the bulletin's figures from records (区市场监管局): at full scale
760人次, 12,132家次 (every one of 2,022 shops on each of six days), 75 black-flag shops and 64
suspended; here the tests' small scale of the same demo, with the same shape."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lianfang.core.demo.loading import DemoContext, load_demo
from lianfang.core.figures.registry import Period, registry
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope
from lianfang.markets.demo import SEED_BLACK, SEED_DAYS, SEED_OFFICERS, SEED_SHOPS, SEED_SUSPENDED, _officer_counts
from lianfang.markets.models import Shop
from lianfang.markets.states import ShopState
from tests.core.test_figures import assert_matches_its_drill_down

pytestmark = pytest.mark.django_db


def test_the_full_demo_is_sized_to_the_seed() -> None:
    ctx = DemoContext(scale=1.0)
    assert sum(_officer_counts(ctx, 6)) == SEED_OFFICERS == 760
    assert ctx.scaled(SEED_SHOPS, least=18) * len(SEED_DAYS) == 12_132
    assert (ctx.scaled(SEED_BLACK), ctx.scaled(SEED_SUSPENDED)) == (75, 64)


def test_the_seed_period_figures_follow_the_bulletin_at_the_demos_scale() -> None:
    ctx = load_demo(DemoContext())
    shops = Shop.objects.count()
    suspended = ctx.scaled(SEED_SUSPENDED)
    black = max(suspended + 1, ctx.scaled(SEED_BLACK, least=2))
    expected = {
        "markets.inspections": shops * len(SEED_DAYS),
        "markets.inspectors_out": sum(_officer_counts(ctx, 6)),
        "markets.black_flag_shops": black,
        "markets.suspended_shops": suspended,
        "markets.daily_coverage": Decimal(100),
    }
    period = Period(SEED_DAYS[0], SEED_DAYS[-1])
    district = Region.objects.get(code="410106000000")
    for key, value in expected.items():
        figure = registry.get(key)
        assert figure is not None, key
        assert assert_matches_its_drill_down(figure, period, district, Scope.everything()).value == value, key
    # Yesterday a shop of jiancha's team was suspended: the public list and the gate have one to show.
    assert Shop.objects.filter(state=ShopState.SUSPENDED).exists()
