"""A corps of volunteers on top of the named test world.

济源路社区: enterprise 上街机械厂 (contact `qiye`), volunteers 张一, 张二, 张三; community volunteers 李四, 李五
登封路社区: enterprise 宏达建材 (contact `hongda`), volunteer 王六; a small shop (not an enterprise)
中心路社区: community volunteer 赵七, registered by `zx` (subdistrict staff of 中心路街道)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from lianfang.core.accounts.models import User
from lianfang.core.regions.models import Membership, Region, Role
from lianfang.core.units.models import Unit, UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from lianfang.volunteers.models import TaskKind, Volunteer, VolunteerTask
from lianfang.volunteers.services import clean_task, clean_volunteer, task_create, volunteer_register
from tests.ids import credit_code, resident_id
from tests.world import World, make_user

_serials = iter(range(100, 999))


def register(
    actor: Any,
    name: str,
    *,
    unit: Unit | None = None,
    community: Region | None = None,
    phone: str = "",
    **extra: Any,
) -> Volunteer:
    serial = next(_serials)
    data = clean_volunteer(
        name=name,
        document_number=extra.pop("document_number", resident_id(dt.date(1996, 3, 8), serial=serial)),
        phone=phone or f"139{serial:08d}",
        unit=unit,
        community=community,
        **extra,
    )
    return volunteer_register(actor=actor, data=data)


def new_task(
    actor: Any,
    region: Region,
    *,
    kind: str = TaskKind.TESTING_SITE,
    needed: int = 3,
    starts: dt.datetime | None = None,
    hours: int = 4,
    title: str = "济源路社区核酸检测点值守",
    **extra: Any,
) -> VolunteerTask:
    starts = starts or timezone.now() - dt.timedelta(hours=1)
    data = clean_task(
        kind=kind,
        title=title,
        place=f"{region.name}全员核酸检测点",
        region=region,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        people_needed=needed,
        **extra,
    )
    return task_create(actor=actor, data=data)


@dataclass
class Corps:
    world: World
    works: Unit
    hongda: Unit
    shop: Unit
    users: dict[str, User]
    volunteers: dict[str, Volunteer] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Volunteer:
        return self.volunteers[name]

    def user(self, name: str) -> User:
        return self.users[name] if name in self.users else self.world[name]


def _unit(world: World, name: str, body: str, region: Region, kinds: list[str]) -> Unit:
    data = clean_unit(name=name, credit_code=credit_code(body), region=region, kinds=kinds)
    unit, _ = unit_register(actor=world["jiyuan"], data=data)
    return unit


@pytest.fixture
def corps(world: World) -> Corps:
    works = _unit(world, "上街机械厂", "91410106MA44AAAA0", world.jiyuan_a, [UnitKind.ENTERPRISE])
    hongda = _unit(world, "宏达建材", "91410106MA44BBBB0", world.jiyuan_b, [UnitKind.ENTERPRISE])
    shop = _unit(world, "登封路便利店", "91410106MA44CCCC0", world.jiyuan_b, [UnitKind.SMALL_SHOP])
    users = {}
    for username, role, region, unit in [
        ("qiye", Role.UNIT_CONTACT, world.jiyuan_a, works),
        ("hongda", Role.UNIT_CONTACT, world.jiyuan_b, hongda),
        ("zx", Role.SUBDISTRICT_STAFF, world.zhongxin, None),
    ]:
        user = make_user(username)
        Membership.objects.create(user=user, role=role, region=region, unit=unit)
        users[username] = user
    corps = Corps(world, works, hongda, shop, users)
    jiyuan = world["jiyuan"]
    for name in ("张一", "张二", "张三"):
        corps.volunteers[name] = register(jiyuan, name, unit=works, skills="测温扫码")
    corps.volunteers["王六"] = register(jiyuan, "王六", unit=hongda)
    for name in ("李四", "李五"):
        corps.volunteers[name] = register(jiyuan, name, community=world.jiyuan_a, skills="代购跑腿")
    corps.volunteers["赵七"] = register(users["zx"], "赵七", community=world.zhongxin_a)
    return corps
