"""The demo's seed period reproduces the bulletin of 14 January 2022 for 工业路街道, from records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lianfang.core.demo.loading import SEED_END, SEED_START, load_demo
from lianfang.core.figures.registry import Period, registry
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope
from lianfang.enterprises.models import EnterpriseProblem
from tests.core.test_figures import assert_matches_its_drill_down

pytestmark = pytest.mark.django_db

# 街道帮助企业解决用工难、物资紧缺等问题43项，帮助企业申领补贴517万元、协调贷款1800万元，协调用工153人；
# 安排17名党建指导员深入企业一对一指导
BULLETIN = {
    "enterprises.problems_solved": 43,
    "enterprises.subsidies": Decimal("517"),
    "enterprises.loans": Decimal("1800"),
    "enterprises.workers_placed": 153,
    "enterprises.instructors": 17,
    # 企业安排26名年轻志愿者参与核酸检测工作
    "volunteers.enterprise_volunteers_dispatched": 26,
}


def test_the_seed_period_figures_equal_the_bulletins_and_their_drill_downs() -> None:
    load_demo()
    period = Period(SEED_START, SEED_END)
    for code in ("410106000000", "410106004000"):  # the district, and 工业路街道 itself
        region = Region.objects.get(code=code)
        for key, expected in BULLETIN.items():
            figure = registry.get(key)
            assert figure is not None, key
            value = assert_matches_its_drill_down(figure, period, region, Scope.everything())
            assert value.value == expected, (code, key, value.value)
    # Open and unverified problems exist, and are not counted.
    assert EnterpriseProblem.objects.filter(case__is_closed=False).count() >= 4
    assert EnterpriseProblem.objects.filter(case__state="done", case__is_closed=False).exists()
    # The day after the seed period counts none of them.
    after = Period(SEED_END + dt.timedelta(days=1), SEED_END + dt.timedelta(days=1))
    solved = registry.get("enterprises.problems_solved")
    assert solved is not None
    assert solved.compute(after, Region.objects.get(code="410106000000"), Scope.everything()).value == 0
