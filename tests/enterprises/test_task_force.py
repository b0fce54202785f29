"""The enterprise task force (企业疫情防控专班): set up by its subdistrict's staff on a fresh system,
its members and the enterprises it covers kept through pages and the API, scoped and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from lianfang.core.audit.models import AuditEvent
from lianfang.core.regions.models import Membership, Region, Role
from lianfang.core.units.models import UnitKind
from lianfang.enterprises.models import InstructorAssignment, TaskForce, TaskForceEnterprise, TaskForceMember
from lianfang.enterprises.services import (
    instructor_assign,
    task_force_cover,
    task_force_create,
    task_force_member_add,
    task_force_member_remove,
    task_force_uncover,
)
from tests.enterprises.test_three_interactions import _instructor, enterprise
from tests.ids import resident_id
from tests.world import World, make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def zhongxin_staff() -> Any:
    user = make_user("zx")
    Membership.objects.create(user=user, role=Role.SUBDISTRICT_STAFF, region=Region.objects.get(code="410106002000"))
    return user


def test_subdistrict_staff_set_up_their_task_force_on_its_page_and_the_instructors_page_then_assigns(
    world: World, client: Client
) -> None:
    unit = enterprise(world)
    _instructor(world, 21)
    client.force_login(world["jiyuan"])
    document = resident_id(dt.date(1980, 1, 1), serial=21)  # the instructor's, as _instructor registered it
    assigning = {"instructor_document": document, "unit": unit.pk, "starts_on": TODAY.isoformat()}
    assert client.post("/enterprises/instructors/", assigning).status_code == 403
    page = client.get("/enterprises/task-forces/")
    assert page.status_code == 200 and list(page.context["form"].fields["region"].queryset) == [world.jiyuan]
    created = client.post("/enterprises/task-forces/", {"region": world.jiyuan.pk, "name": ""})
    force = TaskForce.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/enterprises/task-forces/{force.pk}/"
    assert force.name == "济源路街道企业疫情防控专班" and force.department == world.jiyuan_office
    assert list(force.members.values_list("user__username", flat=True)) == ["jiyuan"]
    detail = f"/enterprises/task-forces/{force.pk}/"
    assert client.post(detail, {"action": "member", "user": world["worker"].pk, "duty": "联络员"}).status_code == 302
    assert client.post(detail, {"action": "all"}).status_code == 302
    shown = client.get(detail).content.decode()
    assert "联络员" in shown and unit.name in shown
    # Now the instructors page assigns, to an enterprise the task force covers.
    assert client.post("/enterprises/instructors/", assigning).status_code == 302
    assert InstructorAssignment.objects.get().task_force == force
    verbs = set(AuditEvent.objects.filter(verb__startswith="task_force.").values_list("verb", flat=True))
    assert verbs == {"task_force.create", "task_force.member_add", "task_force.cover"}


def test_only_a_subdistricts_own_staff_set_up_its_one_task_force(world: World) -> None:
    for outsider in (zhongxin_staff(), world["commander"], world["worker"], world["market"], world["admin"]):
        with pytest.raises(PermissionDenied):
            task_force_create(actor=outsider, region=world.jiyuan)
    assert AuditEvent.objects.filter(verb="task_force.create", outcome="denied").count() == 5
    with pytest.raises(ValidationError) as community:
        task_force_create(actor=world["jiyuan"], region=world.jiyuan_a)
    assert set(community.value.message_dict) == {"region"}
    task_force_create(actor=world["jiyuan"], region=world.jiyuan, name="济源路专班")
    with pytest.raises(ValidationError) as twice:
        task_force_create(actor=world["jiyuan"], region=world.jiyuan)
    assert set(twice.value.message_dict) == {"region"} and TaskForce.objects.count() == 1


def test_members_serve_in_the_subdistrict_and_adding_one_again_changes_only_the_duty(world: World) -> None:
    force = task_force_create(actor=world["jiyuan"], region=world.jiyuan)
    jiyuan, worker = world["jiyuan"], world["worker"]
    member, added = task_force_member_add(actor=jiyuan, task_force=force, user=worker, duty="联络员")
    assert added and member.duty == "联络员"
    again, added_again = task_force_member_add(actor=jiyuan, task_force=force, user=worker, duty="组员")
    assert not added_again and again.pk == member.pk and again.duty == "组员"
    for stranger in (world["market"], zhongxin_staff(), world["expired"], world["nobody"]):
        with pytest.raises(ValidationError) as refused:
            task_force_member_add(actor=world["jiyuan"], task_force=force, user=stranger)
        assert set(refused.value.message_dict) == {"user"}
    with pytest.raises(PermissionDenied):
        task_force_member_add(actor=world["worker"], task_force=force, user=world["worker"])
    task_force_member_remove(actor=world["jiyuan"], member=again)
    assert not TaskForceMember.objects.filter(user=world["worker"]).exists()
    removed = AuditEvent.objects.get(verb="task_force.member_remove")
    assert removed.before and removed.before["duty"] == "组员"


def test_the_task_force_covers_its_own_enterprises_and_keeps_one_that_has_an_instructor(world: World) -> None:
    force = task_force_create(actor=world["jiyuan"], region=world.jiyuan)
    unit = enterprise(world)
    elsewhere = enterprise(world, name="中心路机械厂", code="91410106MA44QQQQ0", region=world.zhongxin_a)
    shop = enterprise(world, name="济源面馆", code="91410106MA44WWWW0", kinds=[UnitKind.SMALL_RESTAURANT])
    instructor = _instructor(world, 31)
    with pytest.raises(ValidationError):  # not covered yet
        instructor_assign(actor=world["jiyuan"], task_force=force, instructor=instructor, unit=unit, starts_on=TODAY)
    link, covered = task_force_cover(actor=world["jiyuan"], task_force=force, unit=unit)
    assert covered and not task_force_cover(actor=world["jiyuan"], task_force=force, unit=unit)[1]
    for other in (elsewhere, shop):
        with pytest.raises(ValidationError) as refused:
            task_force_cover(actor=world["jiyuan"], task_force=force, unit=other)
        assert set(refused.value.message_dict) == {"unit"}
    instructor_assign(
        actor=world["jiyuan"], task_force=force, instructor=instructor, unit=unit, starts_on=TODAY - dt.timedelta(1)
    )
    with pytest.raises(ValidationError):
        task_force_uncover(actor=world["jiyuan"], link=link)
    assert TaskForceEnterprise.objects.filter(task_force=force).count() == 1
    assert AuditEvent.objects.filter(verb="task_force.cover").count() == 1


def test_the_api_keeps_a_task_force_and_answers_others_with_404_or_403(world: World, client: Client) -> None:
    unit = enterprise(world)
    client.force_login(world["jiyuan"])
    created = client.post("/api/v1/task-forces/", {"region": world.jiyuan.code}, content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    force = body["id"]
    assert body["region_code"] == world.jiyuan.code and [m["username"] for m in body["members"]] == ["jiyuan"]
    members = f"/api/v1/task-forces/{force}/members/"
    added = client.post(members, {"user": world["worker"].pk, "duty": "联络员"}, content_type="application/json")
    again = client.post(members, {"user": world["worker"].pk, "duty": "联络员"}, content_type="application/json")
    assert added.status_code == 201 and again.status_code == 200 and added.json()["duty"] == "联络员"
    stranger = client.post(members, {"user": world["market"].pk}, content_type="application/json")
    assert stranger.status_code == 400 and set(stranger.json()["fields"]) == {"user"}
    enterprises = f"/api/v1/task-forces/{force}/enterprises/"
    assert client.post(enterprises, {"unit": unit.pk}, content_type="application/json").status_code == 201
    shown = client.get(f"/api/v1/task-forces/{force}/").json()
    assert [e["name"] for e in shown["enterprises"]] == [unit.name] and len(shown["members"]) == 2
    assert client.delete(f"{members}{world['worker'].pk}/").status_code == 204
    assert client.delete(f"{enterprises}{unit.pk}/").status_code == 204
    assert client.delete(f"{enterprises}{unit.pk}/").status_code == 404
    assert client.get("/api/v1/task-forces/").json()["count"] == 1

    client.force_login(zhongxin_staff())
    assert client.get(f"/api/v1/task-forces/{force}/").status_code == 404
    assert client.get("/api/v1/task-forces/").json()["count"] == 0
    refused = client.post("/api/v1/task-forces/", {"region": world.jiyuan.code}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["fields"] == {}
    client.force_login(world["commander"])  # sees every task force, keeps none
    assert client.get(f"/api/v1/task-forces/{force}/").status_code == 200
    assert client.post(members, {"user": world["worker"].pk}, content_type="application/json").status_code == 403


def test_naming_an_account_that_does_not_serve_there_tells_nothing_of_it(world: World) -> None:
    from rest_framework.test import APIClient

    from lianfang.enterprises.services import task_force_create

    force = task_force_create(actor=world["jiyuan"], region=world.jiyuan)
    client = APIClient()
    client.force_authenticate(world["jiyuan"])
    answer = client.post(f"/api/v1/task-forces/{force.pk}/members/", {"user": world["admin"].pk}, format="json")
    unknown = client.post(f"/api/v1/task-forces/{force.pk}/members/", {"user": 987654}, format="json")
    assert answer.status_code == unknown.status_code == 400
    assert answer.json() == unknown.json()  # the same refusal whether the account exists or not
    assert world["admin"].full_name not in answer.content.decode()
