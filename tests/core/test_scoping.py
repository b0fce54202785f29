"""The one scoping layer: each role against own, sibling, parent and child regions, and an expired membership."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lianfang.core.regions.models import Membership, Region, Role
from lianfang.core.regions.scoping import Scope, scope_for
from lianfang.core.regions.selectors import default_region, membership_list, regions_in_scope
from tests.world import World, make_user

pytestmark = pytest.mark.django_db


def _member(world: World, region: Region, role: str = Role.FIELD_WORKER, **extra: object) -> Membership:
    user = make_user(f"m{Membership.objects.count()}", password=None)
    return Membership.objects.create(user=user, role=role, region=region, **extra)


def _visible(world: World, username: str) -> set[int]:
    return set(membership_list(world[username]).values_list("pk", flat=True))


def test_the_commander_sees_records_of_every_region(world: World) -> None:
    rows = [_member(world, r) for r in (world.jiyuan_a, world.jiyuan_b, world.zhongxin_a)]
    assert {m.pk for m in rows} <= _visible(world, "commander")


def test_subdistrict_staff_see_their_own_region_and_its_children_only(world: World) -> None:
    own = _member(world, world.jiyuan)
    child = _member(world, world.jiyuan_a)
    sibling = _member(world, world.zhongxin)
    sibling_child = _member(world, world.zhongxin_a)
    parent = _member(world, world.district)
    visible = _visible(world, "jiyuan")
    assert {own.pk, child.pk} <= visible
    assert not {sibling.pk, sibling_child.pk, parent.pk} & visible


def test_department_staff_see_their_own_departments_records_across_the_district(world: World) -> None:
    mine_a = _member(world, world.jiyuan_a, department=world.market)
    mine_b = _member(world, world.zhongxin_a, department=world.market)
    other_department = _member(world, world.jiyuan_a, department=world.jiyuan_office)
    no_department = _member(world, world.zhongxin_a)
    visible = _visible(world, "market")
    assert {mine_a.pk, mine_b.pk} <= visible
    assert not {other_department.pk, no_department.pk} & visible


def test_a_field_worker_sees_only_the_work_assigned_to_them(world: World) -> None:
    someone_else_here = _member(world, world.jiyuan_a)
    visible = _visible(world, "worker")
    assert visible == set(Membership.objects.filter(user=world["worker"]).values_list("pk", flat=True))
    assert someone_else_here.pk not in visible


def test_an_auditor_reads_the_region_but_may_not_write(world: World) -> None:
    scope = scope_for(world["auditor"])
    assert scope.can_read_audit and not scope.can_write
    assert _member(world, world.zhongxin_a).pk in _visible(world, "auditor")


def test_the_system_administrator_sees_no_business_records(world: World) -> None:
    _member(world, world.jiyuan_a)
    assert _visible(world, "admin") == set()
    assert not scope_for(world["admin"]).can_write


def test_an_expired_membership_grants_nothing(world: World) -> None:
    _member(world, world.jiyuan_a)
    assert _visible(world, "expired") == set()
    assert scope_for(world["expired"]).grants == ()


def test_a_membership_counts_on_the_days_it_is_valid(world: World) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert scope_for(world["expired"], on=yesterday).region_prefixes() == ["410106001"]


def test_a_user_without_memberships_sees_nothing(world: World) -> None:
    _member(world, world.jiyuan_a)
    assert _visible(world, "nobody") == set()
    assert default_region(world["nobody"]) is None


def test_grants_of_several_memberships_are_combined(world: World) -> None:
    Membership.objects.create(user=world["jiyuan"], role=Role.SUBDISTRICT_STAFF, region=world.zhongxin_a)
    world["jiyuan"].__dict__.pop("_lianfang_scopes", None)
    assert scope_for(world["jiyuan"]).region_prefixes() == ["410106001", "410106002001"]
    assert _member(world, world.zhongxin_a).pk in _visible(world, "jiyuan")
    assert _member(world, world.zhongxin).pk not in _visible(world, "jiyuan")


def test_figures_may_be_asked_for_regions_inside_the_users_jurisdiction_only(world: World) -> None:
    scope = scope_for(world["jiyuan"])
    assert scope.covers_region(world.jiyuan) and scope.covers_region(world.jiyuan_b)
    assert not scope.covers_region(world.zhongxin) and not scope.covers_region(world.district)
    assert set(regions_in_scope(world["jiyuan"])) == {world.jiyuan, world.jiyuan_a, world.jiyuan_b}
    assert default_region(world["jiyuan"]) == world.jiyuan
    assert default_region(world["commander"]) == world.district


def test_a_model_without_scope_fields_cannot_be_scoped_by_accident(world: World) -> None:
    from django.contrib.sessions.models import Session

    with pytest.raises(TypeError):
        Scope.everything().filter(Session.objects.all())


def test_a_change_of_membership_is_seen_at_once_by_the_next_request(world: World) -> None:
    from lianfang.core.accounts.models import User
    from lianfang.core.regions.services import membership_end, membership_save

    assert scope_for(User.objects.get(username="jiyuan")).region_prefixes() == ["410106001"]
    membership_save(
        actor=world["admin"],
        membership=Membership(
            user=User.objects.get(username="jiyuan"), role=Role.SUBDISTRICT_STAFF, region=world.zhongxin
        ),
    )
    assert scope_for(User.objects.get(username="jiyuan")).region_prefixes() == ["410106001", "410106002"]
    for membership in Membership.objects.filter(user__username="jiyuan"):
        membership_end(actor=world["admin"], membership=membership, on=timezone.localdate() - dt.timedelta(days=1))
    assert scope_for(User.objects.get(username="jiyuan")).grants == ()


def test_correcting_a_regions_code_moves_the_scope_of_those_who_hold_it(world: World) -> None:
    from lianfang.core.accounts.models import User
    from lianfang.core.regions.services import region_save

    worker = Membership.objects.create(user=world["nobody"], role=Role.SUBDISTRICT_STAFF, region=world.jiyuan_b)
    assert scope_for(User.objects.get(pk=worker.user_id)).region_prefixes() == ["410106001002"]
    world.jiyuan_b.code = "410106001009"
    region_save(actor=world["admin"], region=world.jiyuan_b)
    assert scope_for(User.objects.get(pk=worker.user_id)).region_prefixes() == ["410106001009"]


def test_a_membership_given_to_someone_else_leaves_the_previous_holders_scope(world: World) -> None:
    from lianfang.core.accounts.models import User

    assert scope_for(User.objects.get(username="jiyuan")).grants
    membership = Membership.objects.get(user__username="jiyuan")
    membership.user = User.objects.get(username="nobody")
    membership.save()
    assert scope_for(User.objects.get(username="jiyuan")).grants == ()


def test_a_commander_serves_over_the_district_only(world: World) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        Membership(user=world["nobody"], role=Role.COMMANDER, region=world.jiyuan).full_clean()
    assert "region" in error.value.message_dict
