"""One organisation, one record: credit codes, several kinds, supervising departments, scoping."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from knox.models import AuthToken

from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import Unit, UnitKind
from lianfang.core.units.selectors import unit_list, unit_search
from lianfang.core.units.services import clean_unit, unit_register
from tests.ids import credit_code
from tests.world import World, make_user

pytestmark = pytest.mark.django_db

CODE = credit_code()


def _unit(world: World, actor: str = "jiyuan", **fields: Any) -> tuple[Unit, str]:
    data = clean_unit(
        name=fields.get("name", "丹尼斯超市"),
        credit_code=fields.get("credit_code", CODE),
        region=fields.get("region", world.jiyuan_a),
        kinds=fields.get("kinds", [UnitKind.SUPERMARKET, UnitKind.SMALL_SHOP]),
        address=fields.get("address", "济源路2号"),
    )
    return unit_register(actor=world[actor], data=data)


def test_a_supermarket_is_a_commerce_enterprise_and_an_inspected_shop_in_one_record(world: World) -> None:
    world.market.supervises = [UnitKind.SMALL_SHOP, UnitKind.SMALL_RESTAURANT]
    world.market.save()
    unit, outcome = _unit(world)
    assert outcome == "created" and sorted(unit.kinds) == ["small_shop", "supermarket"]
    assert unit.profiles.get(kind="small_shop").department == world.market
    assert unit_list(world["market"]).filter(pk=unit.pk).exists()  # supervises small shops
    assert list(unit_list(world["jiyuan"], kind=UnitKind.SUPERMARKET)) == [unit]


def test_the_same_credit_code_is_the_same_unit(world: World) -> None:
    first, _ = _unit(world)
    again, outcome = _unit(world, name="丹尼斯超市（济源路店）")
    assert again.pk == first.pk and outcome == "updated" and Unit.objects.count() == 1
    _same, outcome = _unit(world, name="丹尼斯超市（济源路店）")
    assert outcome == "unchanged"


def test_a_unit_outside_the_jurisdiction_is_not_found(world: World, client: Client) -> None:
    unit, _ = _unit(world)
    zhongxin = make_user("zx", password=None)
    Membership.objects.create(user=zhongxin, role=Role.SUBDISTRICT_STAFF, region=world.zhongxin)
    assert not unit_list(zhongxin).exists()
    client.force_login(zhongxin)
    assert client.get(f"/api/v1/units/{unit.pk}/").status_code == 404
    client.force_login(world["jiyuan"])
    assert client.get(f"/api/v1/units/{unit.pk}/").json()["credit_code"] == CODE


def test_a_unit_contact_sees_only_their_own_unit(world: World) -> None:
    unit, _ = _unit(world)
    other, _ = _unit(world, name="景文百货", credit_code=credit_code("91410106MA44YYYY0"))
    contact = make_user("contact", password=None)
    Membership.objects.create(user=contact, role=Role.UNIT_CONTACT, region=world.jiyuan_a, unit=unit)
    assert list(unit_list(contact)) == [unit]
    assert other not in unit_list(contact)


def test_units_are_found_by_credit_code_name_and_pinyin_initials(world: World) -> None:
    unit, _ = _unit(world)
    for query in [CODE, CODE.lower(), "丹尼斯", "dns"]:
        assert list(unit_search(world["jiyuan"], query)) == [unit], query


def test_every_invalid_field_of_a_unit_is_named(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        clean_unit(name="", credit_code="91410106MA44XXXX00", region=None, kinds=["bakery"])
    assert set(error.value.message_dict) == {"name", "credit_code", "region", "kinds"}


def test_units_sort_by_the_pinyin_of_their_names_on_the_page_and_in_the_api(world: World, client: Client) -> None:
    for i, name in enumerate(["中心路饭店", "阿里商行", "济源路超市"]):
        _unit(world, name=name, credit_code=credit_code(f"91410106MA44XXX{i}0"), kinds=[UnitKind.SMALL_SHOP])
    Unit.objects.create(name="百货大楼", region=world.jiyuan_a)  # saved directly: the key is filled too
    order = ["阿里商行", "百货大楼", "济源路超市", "中心路饭店"]
    assert list(Unit.objects.values_list("name", flat=True)) == order
    client.force_login(world["jiyuan"])
    page = client.get("/registry/units/").content.decode()
    assert [page.index(name) for name in order] == sorted(page.index(name) for name in order)
    _, token = AuthToken.objects.create(user=world["jiyuan"])
    answer = Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/units/").json()
    rows = answer["results"] if isinstance(answer, dict) else answer
    assert [row["name"] for row in rows] == order
