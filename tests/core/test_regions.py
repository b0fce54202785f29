from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from lianfang.core.regions.models import Membership, Region, RegionLevel, Role
from lianfang.core.regions.services import region_save
from tests.world import World

pytestmark = pytest.mark.django_db


def test_a_level_scope_is_the_fixed_length_prefix_of_the_code(world: World) -> None:
    assert world.district.prefix == "410106"
    assert world.jiyuan.prefix == "410106001"
    assert world.jiyuan_a.prefix == "410106001001"
    assert world.jiyuan.contains(world.jiyuan_a) and not world.jiyuan.contains(world.zhongxin_a)


@pytest.mark.parametrize(
    ("code", "level", "parent", "field"),
    [
        ("41010600100", RegionLevel.COMMUNITY, "jiyuan", "code"),  # 11 digits
        ("410106001A01", RegionLevel.COMMUNITY, "jiyuan", "code"),  # a letter
        ("410106002003", RegionLevel.COMMUNITY, "jiyuan", "code"),  # outside the parent's prefix
        ("410106003001", RegionLevel.SUBDISTRICT, "district", "code"),  # digits after a subdistrict's 9
        ("410106001003", RegionLevel.COMMUNITY, "district", "parent"),  # a community right under the district
        ("410106009000", RegionLevel.SUBDISTRICT, None, "parent"),  # no parent
    ],
)
def test_it_rejects_a_region_that_does_not_fit_the_tree(
    world: World, code: str, level: str, parent: str | None, field: str
) -> None:
    region = Region(code=code, name="x", level=level, parent=getattr(world, parent) if parent else None)
    with pytest.raises(ValidationError) as error:
        region_save(actor=world["admin"], region=region)
    assert field in error.value.message_dict
    assert not Region.objects.filter(code=code).exists()


def test_a_code_can_be_corrected_because_the_key_is_a_surrogate(world: World) -> None:
    member = Membership.objects.create(user=world["nobody"], role=Role.FIELD_WORKER, region=world.jiyuan_b)
    world.jiyuan_b.code = "410106001009"
    region_save(actor=world["admin"], region=world.jiyuan_b)
    member.refresh_from_db()
    assert member.region.code == "410106001009"


def test_only_a_system_administrator_may_change_the_tree(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    world.jiyuan.name = "改名"
    with pytest.raises(PermissionDenied):
        region_save(actor=world["commander"], region=world.jiyuan)
    assert Region.objects.get(pk=world.jiyuan.pk).name == "济源路街道"


def test_a_sent_down_posting_needs_both_dates(world: World) -> None:
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=world["nobody"], role=Role.FIELD_WORKER, region=world.jiyuan_a, sent_down=True)


def test_department_staff_need_a_department(world: World) -> None:
    membership = Membership(user=world["nobody"], role=Role.DEPARTMENT_STAFF, region=world.district)
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "department" in error.value.message_dict
