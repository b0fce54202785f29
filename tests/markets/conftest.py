"""Shops in the test world: 区市场监管局 (supervising the three small kinds) with two teams, 一队 for
济源路街道 (inspectors a1, a2, a3) and 二队 for 中心路街道 (b1, b2); three shops in 济源路街道 and one
in 中心路街道, on the daily roster for the last ten days; and 一队's round of today (a1, a2, a3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.inspections.models import ChecklistVersion
from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import Unit, UnitKind, UnitProfile
from lianfang.markets.checklists import CLOSURE_CHECKLIST, EPIDEMIC_CHECKLIST, current_version
from lianfang.markets.models import Round, Shop, ShopInspection, Team
from lianfang.markets.services import inspector_save, round_start, shop_inspect, shops_enrol, team_save
from lianfang.markets.states import Kind
from tests.world import World, make_user

SYSTEM = SystemActor("test")


@dataclass
class MarketWorld:
    world: World
    team_a: Team
    team_b: Team
    shops: list[Shop]
    round_a: Round
    users: dict[str, Any]
    today: dt.date

    def __getitem__(self, name: str) -> Any:
        return self.users[name]

    @property
    def epidemic(self) -> ChecklistVersion:
        return current_version(EPIDEMIC_CHECKLIST)

    @property
    def closure(self) -> ChecklistVersion:
        return current_version(CLOSURE_CHECKLIST)

    def answers(self, version: ChecklistVersion, *failed: int) -> dict[str, dict[str, Any]]:
        """Every item answered: those at the positions given fail, the rest pass."""
        return {str(i.pk): {"passed": i.position not in failed} for i in version.items.all()}

    def reload(self, shop: Shop) -> Shop:
        return Shop.objects.select_related("unit__region").get(pk=shop.pk)

    def inspect(
        self, shop: Shop, *failed: int, by: str = "a1", kind: str = Kind.ROUTINE, **more: Any
    ) -> ShopInspection:
        """An inspection of `shop` by `by` and a partner of 一队, the items at `failed` failing; on
        another day (inspected_at) with that day's round."""
        version = self.closure if kind == Kind.CLOSURE else self.epidemic
        partner = "a2" if by != "a2" else "a3"
        if "inspected_at" in more:
            day = timezone.localtime(more["inspected_at"]).date()
            round_start(actor=self[by], members=[self["a1"], self["a2"], self["a3"]], day=day)
        row, _created = shop_inspect(
            actor=self[by],
            shop=self.reload(shop),
            kind=kind,
            answers=self.answers(version, *failed),
            inspectors=[self[by], self[partner]],
            **more,
        )
        return row


@pytest.fixture
def markets(world: World) -> MarketWorld:
    return build_markets(world)


def build_markets(world: World) -> MarketWorld:
    today = timezone.localdate()
    world.market.supervises = ["small_restaurant", "small_shop", "small_workshop"]
    world.market.save(update_fields=["supervises"])
    team_a = team_save(actor=SYSTEM, name="执法一队", regions=[world.jiyuan])
    team_b = team_save(actor=SYSTEM, name="执法二队", regions=[world.zhongxin])
    users: dict[str, Any] = {}
    for n, (name, team, region) in enumerate(
        [
            ("a1", team_a, world.jiyuan),
            ("a2", team_a, world.jiyuan),
            ("a3", team_a, world.jiyuan),
            ("b1", team_b, world.zhongxin),
            ("b2", team_b, world.zhongxin),
        ],
        start=1,
    ):
        user = make_user(name, full_name=f"检查员{name}")
        Membership.objects.create(user=user, role=Role.DEPARTMENT_STAFF, region=region, department=world.market)
        inspector_save(actor=SYSTEM, user=user, team=team, badge_number=f"4101060{n:05d}")
        users[name] = user
    units = []
    for name, region, kind in [
        ("老王烩面馆", world.jiyuan_a, UnitKind.SMALL_RESTAURANT),
        ("便民小超市", world.jiyuan_a, UnitKind.SMALL_SHOP),
        ("豆腐坊", world.jiyuan_b, UnitKind.SMALL_WORKSHOP),
        ("中心路包子铺", world.zhongxin_a, UnitKind.SMALL_RESTAURANT),
    ]:
        unit = Unit.objects.create(name=name, region=region, address=f"{region.name}{name}")
        UnitProfile.objects.create(unit=unit, kind=kind, department=world.market)
        units.append(unit)
    shops_enrol(
        actor=SYSTEM,
        units=units,
        operators={u.pk: f"经营者{n}" for n, u in enumerate(units)},
        from_day=today - dt.timedelta(days=10),
    )
    round_a = round_start(actor=users["a1"], members=[users["a1"], users["a2"], users["a3"]])
    shops = list(Shop.objects.select_related("unit__region").order_by("unit_id"))
    return MarketWorld(world, team_a, team_b, shops, round_a, users, today)
