"""The care practice in the test world: 区民政局 (minzheng), a town 峡窝镇 with a village, care roles
in 济源路街道 (carer: a care worker of 济源路社区; lead: the subdistrict's care lead; approver: its relief
approver; counsellor), a volunteer squad (volunteer, volunteer2) and three households of 济源路社区:

- 王奶奶's at 济源路1号: 82, living alone (高);
- 李爷爷's at 济源路2号: 65, disabled (重点), with his daughter 李娜;
- 张强's at 济源路3号: 低保 (一般), with a phone 13800001234.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from lianfang.care.models import Household
from lianfang.care.services import care_role_grant, household_member_add, household_save, tag_add
from lianfang.core.accounts.actors import SystemActor
from lianfang.core.people.models import Person
from lianfang.core.people.services import clean_person, person_register
from lianfang.core.regions.models import Department, DepartmentKind, Membership, Region, RegionLevel, Role
from lianfang.volunteers.models import Squad
from lianfang.volunteers.services import squad_save
from tests.ids import resident_id
from tests.world import World, make_user

SYSTEM = SystemActor("test")


@dataclass
class CareWorld:
    world: World
    users: dict[str, Any]
    wang: Household
    li: Household
    zhang: Household
    people: dict[str, Person]
    squad: Squad
    village: Region
    today: dt.date

    def __getitem__(self, name: str) -> Any:
        return self.users[name]

    def reload(self, household: Household) -> Household:
        return Household.objects.select_related("region").get(pk=household.pk)


def person(name: str, born: dt.date, region: Region, *, serial: int, phone: str = "") -> Person:
    data = clean_person(name=name, document_number=resident_id(born, serial=serial), phone=phone, home_region=region)
    registered, _how = person_register(actor=SYSTEM, data=data, region=region, source="care")
    return registered


def years_ago(years: int, today: dt.date) -> dt.date:
    return today.replace(year=today.year - years) - dt.timedelta(days=10)


def build_care(world: World) -> CareWorld:
    today = timezone.localdate()
    civil = Department.objects.create(code="mzj", name="区民政局", kind=DepartmentKind.BUREAU, region=world.district)
    town = Region.objects.create(code="410106100000", name="峡窝镇", level=RegionLevel.TOWN, parent=world.district)
    village = Region.objects.create(code="410106100200", name="峡窝村", level=RegionLevel.VILLAGE, parent=town)
    users: dict[str, Any] = {}
    specs = [
        ("minzheng", Role.DEPARTMENT_STAFF, world.district, civil, None),
        ("carer", Role.FIELD_WORKER, world.jiyuan_a, None, ("staff", world.jiyuan_a)),
        ("lead", Role.SUBDISTRICT_STAFF, world.jiyuan, None, ("lead", world.jiyuan)),
        ("approver", Role.SUBDISTRICT_STAFF, world.jiyuan, None, ("approver", world.jiyuan)),
        ("counsellor", Role.FIELD_WORKER, world.jiyuan, None, ("counsellor", world.jiyuan)),
        ("volunteer", Role.FIELD_WORKER, world.jiyuan_a, None, None),
        ("volunteer2", Role.FIELD_WORKER, world.jiyuan_a, None, None),
        ("xiang", Role.FIELD_WORKER, town, None, ("staff", village)),
    ]
    for username, role, region, department, care in specs:
        user = make_user(username)
        Membership.objects.create(user=user, role=role, region=region, department=department)
        if care is not None:
            care_role_grant(actor=SYSTEM, user=user, kind=care[0], region=care[1])
        users[username] = user
    cadre = make_user("cadre")
    Membership.objects.create(
        user=cadre,
        role=Role.FIELD_WORKER,
        region=world.jiyuan_a,
        department=civil,
        sent_down=True,
        valid_from=today - dt.timedelta(days=5),
        valid_until=today + dt.timedelta(days=20),
    )
    users["cadre"] = cadre
    squad = squad_save(
        actor=SYSTEM,
        name="扶老助残志愿小分队",
        region=world.jiyuan_a,
        members=[users["volunteer"], users["volunteer2"]],
        leader=users["volunteer"],
    )
    community = world.jiyuan_a
    people = {
        "wang": person("王秀英", years_ago(82, today), community, serial=101),
        "li": person("李建国", years_ago(65, today), community, serial=102),
        "li_na": person("李娜", years_ago(35, today), community, serial=103),
        "zhang": person("张强", years_ago(45, today), community, serial=104, phone="13800001234"),
    }
    wang = household_save(actor=SYSTEM, region=community, address="济源路1号")
    household_member_add(actor=SYSTEM, household=wang, person=people["wang"], relation="head")
    tag_add(actor=SYSTEM, household=wang, person=people["wang"], kind="alone", source="civil_affairs")
    li = household_save(actor=SYSTEM, region=community, address="济源路2号")
    household_member_add(actor=SYSTEM, household=li, person=people["li"], relation="head")
    household_member_add(actor=SYSTEM, household=li, person=people["li_na"], relation="child")
    tag_add(actor=SYSTEM, household=li, person=people["li"], kind="disabled", source="civil_affairs")
    zhang = household_save(actor=SYSTEM, region=community, address="济源路3号")
    household_member_add(actor=SYSTEM, household=zhang, person=people["zhang"], relation="head")
    tag_add(actor=SYSTEM, household=zhang, kind="dibao", source="civil_affairs")
    return CareWorld(
        world,
        users | {k: world[k] for k in ("commander", "jiyuan", "worker", "auditor", "market", "nobody")},
        Household.objects.get(pk=wang.pk),
        Household.objects.get(pk=li.pk),
        Household.objects.get(pk=zhang.pk),
        people,
        squad,
        village,
        today,
    )


@pytest.fixture
def care(world: World) -> CareWorld:
    return build_care(world)
