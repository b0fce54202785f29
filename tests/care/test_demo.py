"""The demo's 敲门行动+暖心服务 reproduce the bulletin's figures for 中心路街道 from records: at full
scale 163 staff sent down, 380 volunteers active and 100 or more people helped in the seed period;
here the tests' small scale of the same demo, with the same shape."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lianfang.care.demo import SEED_ORDERS, SEED_RELIEF, SEED_VOLUNTEERS
from lianfang.care.models import Household, ReliefApplication, ServiceOrder
from lianfang.core.demo.loading import SEED_END, SEED_START, DemoContext, load_demo
from lianfang.core.figures.registry import Period, registry
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope
from tests.core.test_figures import assert_matches_its_drill_down

pytestmark = pytest.mark.django_db


def test_the_full_demo_is_sized_to_the_seed() -> None:
    ctx = DemoContext(scale=1.0)
    assert ctx.scaled(SEED_VOLUNTEERS) == 380
    assert ctx.scaled(SEED_ORDERS) + ctx.scaled(SEED_RELIEF) >= 100


def test_the_seed_period_figures_follow_the_bulletin_at_the_demos_scale() -> None:
    ctx = load_demo(DemoContext())
    subdistrict = Region.objects.get(code="410106002000")
    period = Period(SEED_START, SEED_END)

    def value(key: str) -> object:
        figure = registry.get(key)
        assert figure is not None, key
        return assert_matches_its_drill_down(figure, period, subdistrict, Scope.everything()).value

    assert value("regions.sent_down_staff") == 163
    volunteers = value("volunteers.active")
    assert isinstance(volunteers, int) and volunteers >= ctx.scaled(SEED_VOLUNTEERS, least=4)
    helped = ctx.scaled(SEED_ORDERS, least=3) + ctx.scaled(SEED_RELIEF, least=2)
    assert value("care.people_helped") == helped
    assert value("care.doors_knocked") == Decimal(100)
    assert value("care.households_visited") == Household.objects.count()
    # Around today: open work in each step, and a relief application under public notice.
    assert ServiceOrder.objects.filter(state="dispatched").exists()
    assert set(ReliefApplication.objects.values_list("state", flat=True)) >= {
        "applied", "investigating", "publicity", "approving", "paying", "archived",
    }  # fmt: skip
