"""受理 from a row of 我的待办 or the case list: with htmx the row is swapped in place and the count
of cases to accept goes down; without it, the POST still works and comes back to the list."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lianfang.core.cases.models import Case
from lianfang.core.cases.services import case_report, clean_case
from tests.world import World

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _report(world: World, title: str = "独居老人缺药") -> Case:
    case, _ = case_report(actor=world["worker"], data=clean_case(kind="need", title=title, region=world.jiyuan_a))
    return case


def _count(html: str) -> int:
    found = re.search(r'data-testid="to-accept-count">(\d+)<', html)
    assert found is not None
    return int(found.group(1))


def test_my_work_offers_accept_on_each_reported_row(world: World, client: Client) -> None:
    first, second = _report(world), _report(world, "缺菜")
    client.force_login(world["jiyuan"])
    html = client.get("/cases/mine/").content.decode()
    assert html.count('data-action="accept"') == 2 and _count(html) == 2
    assert f'hx-post="/cases/{first.pk}/accept/"' in html and f'formaction="/cases/{second.pk}/accept/"' in html
    assert 'hx-target="closest tr"' in html and "table-cards" in html and 'data-testid="page-header"' in html


def test_accepting_with_htmx_answers_the_row_and_the_new_count(world: World, client: Client) -> None:
    case = _report(world)
    _report(world, "缺菜")
    client.force_login(world["jiyuan"])
    answer = client.post(f"/cases/{case.pk}/accept/", {"version": case.version, "where": "mine"}, headers=HTMX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.lstrip().startswith(f'<tr id="case-row-{case.pk}"')
    assert "<html" not in html and 'data-action="accept"' not in html  # accepted: nothing more to accept
    assert 'hx-swap-oob="true"' in html and _count(html) == 1
    case.refresh_from_db()
    assert case.state == "accepted"


def test_without_htmx_the_accept_post_comes_back_to_the_list(world: World, client: Client) -> None:
    case = _report(world)
    client.force_login(world["jiyuan"])
    answer = client.post(
        f"/cases/{case.pk}/accept/", {"version": case.version, "where": "index", "back": "state=reported"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/cases/?state=reported"
    case.refresh_from_db()
    assert case.state == "accepted"


def test_the_list_counts_within_its_filters(world: World, client: Client) -> None:
    case = _report(world)
    _report(world, "缺菜")
    client.force_login(world["jiyuan"])
    assert _count(client.get("/cases/?q=缺菜").content.decode()) == 1
    answer = client.post(
        f"/cases/{case.pk}/accept/", {"version": case.version, "where": "index", "back": "q=缺药"}, headers=HTMX
    )
    assert _count(answer.content.decode()) == 0


def test_a_stale_row_is_refused_in_place_with_the_reason(world: World, client: Client) -> None:
    case = _report(world)
    client.force_login(world["jiyuan"])
    answer = client.post(f"/cases/{case.pk}/accept/", {"version": case.version + 5, "where": "mine"}, headers=HTMX)
    html = answer.content.decode()
    assert answer.status_code == 200 and 'data-testid="row-error"' in html
    assert 'data-action="accept"' in html  # still there to try again
    case.refresh_from_db()
    assert case.state == "reported"


def test_someone_who_may_not_accept_is_offered_no_button_and_refused(world: World, client: Client) -> None:
    case = _report(world)
    client.force_login(world["worker"])  # the reporter sees the case but does not own it
    assert 'data-action="accept"' not in client.get("/cases/").content.decode()
    answer = client.post(f"/cases/{case.pk}/accept/", {"version": case.version, "where": "index"}, headers=HTMX)
    assert 'data-testid="row-error"' in answer.content.decode()
    case.refresh_from_db()
    assert case.state == "reported"


def test_an_empty_list_names_a_next_step(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    mine = client.get("/cases/mine/").content.decode()
    assert 'data-testid="my-work-empty"' in mine and 'href="/cases/new/"' in mine
    found = client.get("/cases/?q=没有").content.decode()
    assert 'data-testid="cases-empty"' in found and 'href="/cases/"' in found
