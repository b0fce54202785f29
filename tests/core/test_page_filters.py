"""Pages read their list filters with the API's parsers (core/api/params): the same ids, codes and
dates are accepted; what cannot be read is said on the page, naming the filter, and left out.
Actions from pages go through one helper and come back to a reversed URL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from lianfang.core.cases.models import Case
from lianfang.core.cases.services import case_report, clean_case
from lianfang.core.regions.models import Membership, Role
from lianfang.core.regions.selectors import staff_serving
from tests.world import World, make_user

pytestmark = pytest.mark.django_db


def said(answer: object) -> list[str]:
    return [str(m) for m in get_messages(answer.wsgi_request)]  # type: ignore[attr-defined]


def a_case(world: World, title: str = "缺工20人") -> Case:
    case, _created = case_report(
        actor=world["jiyuan"], data=clean_case(kind="problem", title=title, region=world.jiyuan_a)
    )
    return case


def signed_in(world: World, name: str = "jiyuan") -> Client:
    client = Client()
    client.force_login(world[name])
    return client


def test_the_case_list_takes_an_eighteen_digit_id_as_the_api_does(world: World) -> None:
    a_case(world)
    client = signed_in(world)
    page = client.get("/cases/", {"unit": "1" * 18})
    api = client.get("/api/v1/cases/", {"unit": "1" * 18})
    assert page.status_code == api.status_code == 200
    assert page.context["page"].paginator.count == api.json()["count"] == 0  # filtered: no such organisation
    assert not said(page)


def test_a_filter_the_case_list_cannot_read_is_named_and_left_out(world: World) -> None:
    a_case(world)
    client = signed_in(world)
    page = client.get("/cases/", {"unit": "1" * 19, "state": "lost", "closed": "maybe", "region": "4101"})
    assert page.status_code == 200
    messages = said(page)
    assert "单位：请填写数字编号。" in messages, messages
    assert "状态：未知的状态：lost" in messages and "已闭环：请填写 true 或 false。" in messages
    assert len(messages) == 4
    assert page.context["page"].paginator.count == 1  # the rest of the list, unfiltered
    assert client.get("/api/v1/cases/", {"unit": "1" * 19}).status_code == 400


def test_the_volunteer_pages_name_a_date_they_cannot_read(world: World) -> None:
    client = signed_in(world)
    page = client.get("/volunteers/tasks/", {"from": "2022-13-01", "kind": "nonsense"})
    assert page.status_code == 200
    messages = said(page)
    assert len(messages) == 2 and any("YYYY-MM-DD" in m for m in messages), messages
    ledger = client.get("/volunteers/ledger/", {"to": "1900-01-01"})
    assert ledger.status_code == 200 and any("2000" in m for m in said(ledger))


def test_the_volunteer_list_shows_active_volunteers_unless_asked(world: World) -> None:
    client = signed_in(world)
    assert client.get("/volunteers/").context["active"] == "1"
    assert client.get("/volunteers/", {"active": ""}).status_code == 200


def test_a_bulk_action_comes_back_to_the_list_with_its_filters_and_nowhere_else(world: World) -> None:
    case = a_case(world)
    client = signed_in(world)
    back = client.post("/cases/bulk/", {"ids": [case.pk], "action": "remind", "back": "state=reported&kind=problem"})
    assert back.status_code == 302 and back["Location"] == "/cases/?state=reported&kind=problem"
    away = client.post("/cases/bulk/", {"ids": [case.pk], "action": "remind", "back": "//evil.example/x"})
    assert away["Location"].startswith("/cases/?") and "evil.example/x" not in away["Location"].split("?")[0]


def test_an_action_refused_by_a_flow_is_said_once_on_the_records_page(world: World) -> None:
    case = a_case(world)
    client = signed_in(world)
    answer = client.post(f"/cases/{case.pk}/transition/", {"name": "verify", "version": case.version})
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{case.pk}/"
    assert [m for m in said(answer) if "不允许" in m] == [said(answer)[0]] and len(said(answer)) == 1


def test_staff_serving_in_a_region_are_found_one_way(world: World) -> None:
    today = dt.date.today()
    gone = make_user("gone", full_name="离任")
    Membership.objects.create(
        user=gone, role=Role.FIELD_WORKER, region=world.jiyuan_a, valid_until=today - dt.timedelta(days=1)
    )
    inside = staff_serving(roles=[Role.FIELD_WORKER, Role.SUBDISTRICT_STAFF], within=[world.jiyuan.prefix])
    assert set(inside) == {world["worker"], world["jiyuan"]}
    covering = staff_serving(roles=[Role.FIELD_WORKER, Role.SUBDISTRICT_STAFF], covering=world.jiyuan_b)
    assert set(covering) == {world["jiyuan"]}  # the worker serves 济源路社区, not 登封路社区
    assert world["market"] in set(staff_serving(roles=[Role.DEPARTMENT_STAFF]))
