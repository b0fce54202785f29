"""我上报的: the cases a user reported and where each stands, on a page, in the API and in the menu."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lianfang.core.cases.models import Case
from lianfang.core.cases.services import case_assign, case_report, case_transition, clean_case
from tests.world import World

pytestmark = pytest.mark.django_db


def _report(world: World, actor: str = "worker", title: str = "独居老人缺药") -> Case:
    data = clean_case(kind="need", title=title, region=world.jiyuan_a)
    case, _ = case_report(actor=world[actor], data=data)
    return case


def _many(world: World, n: int, actor: str = "worker") -> None:
    for i in range(n):
        case = _report(world, actor=actor, title=f"需求{i}")
        case_assign(actor=world["jiyuan"], case=case, version=case.version, assignee=world["jiyuan"])


def test_the_api_lists_only_what_i_reported_with_its_state_owner_and_deadline(world: World, client: Client) -> None:
    mine = _report(world)
    _report(world, actor="jiyuan", title="别人上报的")
    case_transition(actor=world["jiyuan"], case=mine, name="accept", version=mine.version)
    client.force_login(world["worker"])
    answer = client.get("/api/v1/cases/reported-by-me/").json()
    assert answer["count"] == 1
    row = answer["results"][0]
    assert mine.deadline is not None
    assert row["id"] == mine.pk and row["state"] == "accepted"
    assert row["owner_department_name"] == "济源路街道办事处" and row["deadline"] == mine.deadline.isoformat()


def test_open_reports_come_before_closed_ones(world: World) -> None:
    from lianfang.core.cases.selectors import reported_by_me

    first = _report(world, title="先报的")
    _report(world, title="后报的")
    Case.objects.filter(pk=first.pk).update(is_closed=True, closed_at=first.created_at, state="verified")
    assert [c.title for c in reported_by_me(world["worker"])] == ["后报的", "先报的"]


def test_the_page_shows_each_report_with_its_state_and_owner(world: World, client: Client) -> None:
    case = _report(world)
    client.force_login(world["worker"])
    page = client.get("/cases/reported/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="reported-case"') == 1
    assert f'href="/cases/{case.pk}/"' in html and "济源路街道办事处" in html
    assert 'data-testid="page-header"' in html and "table-cards" in html and 'data-label="' in html


def test_an_empty_list_says_what_to_do_next(world: World, client: Client) -> None:
    client.force_login(world["worker"])
    html = client.get("/cases/reported/").content.decode()
    assert 'data-testid="reported-empty"' in html and 'href="/cases/new/"' in html


def test_the_menu_offers_it_to_those_who_may_report(world: World, client: Client) -> None:
    client.force_login(world["worker"])
    assert 'href="/cases/reported/"' in client.get("/").content.decode()
    client.force_login(world["auditor"])
    assert 'href="/cases/reported/"' not in client.get("/").content.decode()


@pytest.mark.parametrize("url", ["/api/v1/cases/reported-by-me/", "/cases/reported/"])
def test_it_takes_as_many_queries_for_thirty_reports_as_for_three(world: World, client: Client, url: str) -> None:
    client.force_login(world["worker"])
    _many(world, 3)
    client.get(url)  # warm the scope cache and the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many(world, 30)
    with CaptureQueriesContext(connection) as many:
        answer: Any = client.get(url)
    assert answer.status_code == 200
    assert len(many) == len(few)
