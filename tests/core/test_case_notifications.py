"""Who is told of a case in their notification list: the office that must accept a new report,
the reporter and the owners of each move of the loop, never the person who acted, each once."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from lianfang.core.cases.models import Case
from lianfang.core.cases.services import case_assign, case_report, case_transition, clean_case
from lianfang.core.notices.models import Notification
from lianfang.core.regions.models import Membership, Role
from tests.world import World, make_user

pytestmark = pytest.mark.django_db


def _report(world: World, actor: str = "worker", client_id: uuid.UUID | None = None, **extra: Any) -> Case:
    data = clean_case(kind=extra.pop("kind", "need"), title="独居老人缺药", region=world.jiyuan_a)
    case, _ = case_report(actor=world[actor], data=data, client_id=client_id, **extra)
    return case


def _step(world: World, case: Case, name: str, actor: str, **fields: Any) -> Case:
    case.refresh_from_db()
    return case_transition(actor=world[actor], case=case, name=name, version=case.version, **fields)


def _told(case: Case, key_part: str) -> set[str]:
    rows = Notification.objects.filter(key__startswith=f"case:{case.pk}:{key_part}").select_related("user")
    return {n.user.username for n in rows}


def test_a_new_report_tells_the_office_that_must_accept_it_and_not_the_reporter(world: World) -> None:
    case = _report(world)
    assert _told(case, "reported") == {"jiyuan"}  # the 济源路街道 staff (not the expired one)
    told = Notification.objects.get(user=world["jiyuan"], key=f"case:{case.pk}:reported")
    assert told.link == f"/cases/{case.pk}/" and str(case.pk) in told.title and told.read_at is None


def test_a_report_to_a_bureau_tells_the_bureau_staff_only(world: World) -> None:
    case = _report(world, actor="jiyuan", owner_department=world.market)
    assert _told(case, "reported") == {"market"}


def test_a_resent_report_tells_nobody_twice(world: World) -> None:
    client_id = uuid.uuid4()
    first = _report(world, client_id=client_id)
    again = _report(world, client_id=client_id)
    assert again.pk == first.pk
    assert Notification.objects.filter(key__startswith=f"case:{first.pk}:").count() == 1


def test_accept_close_and_verify_tell_the_reporter_and_the_owners_but_not_the_actor(world: World) -> None:
    second = make_user("jiyuan2")
    Membership.objects.create(user=second, role=Role.SUBDISTRICT_STAFF, region=world.jiyuan)
    world.users["jiyuan2"] = second
    case = _report(world)  # by the field worker, owned by the 济源路街道 office
    _step(world, case, "accept", actor="jiyuan")
    assert _told(case, "accept") == {"worker", "jiyuan2"}
    _step(world, case, "start", actor="jiyuan")
    assert _told(case, "start") == set()  # starting work changes nobody's turn
    _step(world, case, "finish", actor="jiyuan", outcome="已送药上门")
    assert _told(case, "finish") == {"worker", "jiyuan2"}
    finished = Notification.objects.get(user=world["worker"], key__startswith=f"case:{case.pk}:finish")
    assert "已送药上门" in finished.body
    _step(world, case, "verify", actor="jiyuan2")
    assert _told(case, "verify") == {"worker", "jiyuan"}


def test_sending_back_tells_the_owner_with_the_reason_and_each_send_back_is_told(world: World) -> None:
    second = make_user("jiyuan2")
    Membership.objects.create(user=second, role=Role.SUBDISTRICT_STAFF, region=world.jiyuan)
    world.users["jiyuan2"] = second
    case = _report(world)
    case = case_assign(actor=world["jiyuan"], case=case, version=case.version, assignee=world["commander"])
    for name in ("accept", "start", "finish"):
        _step(world, case, name, actor="commander", **({"outcome": "已送药"} if name == "finish" else {}))
    _step(world, case, "return_to_owner", actor="jiyuan", note="没有照片")
    back = Notification.objects.get(user=world["commander"], key__startswith=f"case:{case.pk}:return_to_owner")
    assert "没有照片" in back.body
    _step(world, case, "finish", actor="commander", outcome="已送药，附照片")
    _step(world, case, "return_to_owner", actor="jiyuan", note="照片不清楚")
    assert Notification.objects.filter(user=world["commander"], key__contains=":return_to_owner:").count() == 2
    assert Notification.objects.filter(user=world["jiyuan"], key__contains=":return_to_owner:").count() == 0


def test_a_refused_move_tells_nobody(world: World) -> None:
    case = _report(world)
    with pytest.raises(Exception):  # noqa: B017 (whichever refusal: the point is what was not written)
        _step(world, case, "accept", actor="market")
    assert _told(case, "accept") == set()


def test_a_reminder_tells_its_target(world: World) -> None:
    from lianfang.core.cases.services import case_remind

    case = _report(world, actor="jiyuan")
    case = case_assign(actor=world["jiyuan"], case=case, version=case.version, assignee=world["worker"])
    assert case_remind(actor=world["jiyuan"], case=case) == 1
    assert _told(case, "manual") == {"worker"}
