"""On a phone, 受理 from 我的待办 swaps the row in place: the page does not reload or scroll, the
row keeps its position, and the count of cases to accept goes down."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lianfang.core.cases.models import Case
from lianfang.core.cases.services import case_report, clean_case
from tests.e2e.conftest import Recorder, sign_in
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accepting_a_row_keeps_its_place_and_updates_the_count(
    live_world: World, live_server: Any, page: Page, recorder: Recorder
) -> None:
    world = live_world
    for i in range(12):
        data = clean_case(kind="need", title=f"群众需求{i:02d}", region=world.jiyuan_a)
        case_report(actor=world["worker"], data=data)
    sign_in(page, "jiyuan")
    page.goto("/cases/mine/")
    expect(page.locator("[data-testid=to-accept-count]")).to_have_text("12")
    rows = page.locator("[data-testid=my-work] tbody tr")
    target = rows.nth(8)
    case_id = int(target.get_attribute("data-case") or 0)
    target.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    page.evaluate("window.__same_page = true")
    target.locator("[data-action=accept]").click()
    expect(page.locator("[data-testid=to-accept-count]")).to_have_text("11")
    row = page.locator(f"#case-row-{case_id}")
    expect(row.locator("[data-testid=case-state]")).to_have_text("已受理")
    expect(row.locator("[data-action=accept]")).to_have_count(0)
    assert rows.nth(8).get_attribute("data-case") == str(case_id)  # the same place in the list
    assert page.evaluate("window.__same_page") is True  # no reload
    assert abs(page.evaluate("window.scrollY") - scrolled) < 5
    assert Case.objects.get(pk=case_id).state == "accepted"
    assert recorder.console_errors == []
