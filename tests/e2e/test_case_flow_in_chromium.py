"""On a phone: a grid worker reports a resident's need; the subdistrict accepts it, does it and
marks it done; someone else verifies it and the loop is closed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from lianfang.core.cases.models import Case
from tests.e2e.conftest import PHONE, RECORD_CSP_VIOLATIONS, Recorder, sign_in
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.cjk_fonts, pytest.mark.django_db(transaction=True)]


def _phone(browser: Browser, live_server: Any) -> Page:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-US")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context.new_page()


def _act(page: Page, action: str, **fields: str) -> None:
    form = page.locator(f"form:has(button[data-action={action}])")
    for name, value in fields.items():
        form.locator(f"textarea[name={name}]").fill(value)
    form.locator(f"button[data-action={action}]").click()
    page.wait_for_load_state("load")


def test_a_case_goes_from_a_phone_report_to_verified(
    live_world: World, browser: Browser, live_server: Any, page: Page, recorder: Recorder
) -> None:
    world = live_world
    sign_in(page, "worker")
    page.goto("/cases/new/")
    page.select_option("select[name=kind]", "need")
    page.fill("input[name=title]", "独居老人需代购药品")
    page.fill("textarea[name=description]", "登封路12号，降压药")
    page.select_option("select[name=region]", label=world.jiyuan_a.name)
    page.click("[data-testid=report-submit]")
    expect(page.locator("[data-testid=state]")).to_have_text("已上报")
    case = Case.objects.get()
    assert case.owner_department == world.jiyuan_office and case.reporter == world["worker"]

    office = _phone(browser, live_server)
    office_recorder = Recorder(office)
    sign_in(office, "jiyuan")
    office.goto("/cases/mine/")
    # The office that must accept the report was told: the bell counts it.
    expect(office.locator("[data-testid=unread-count]")).to_have_text("1")
    office.locator("[data-testid=my-work] a", has_text="独居老人需代购药品").click()
    _act(office, "accept")
    expect(office.locator("[data-testid=state]")).to_have_text("已受理")
    _act(office, "start")
    _act(office, "finish", outcome="")
    expect(office.locator(".alert-danger")).to_contain_text("办理结果：办结前请填写办理结果。")
    _act(office, "finish", outcome="已代购降压药两盒，送至老人家中")
    expect(office.locator("[data-testid=state]")).to_have_text("已办结")
    # The one who did the work is offered no "verify".
    expect(office.locator("button[data-action=verify]")).to_have_count(0)

    commander = _phone(browser, live_server)
    sign_in(commander, "commander")
    commander.goto(f"/cases/{case.pk}/")
    _act(commander, "verify")
    expect(commander.locator("[data-testid=state]")).to_have_text("已核实")
    timeline = commander.locator("[data-testid=timeline]")
    for text in ("已上报", "已受理", "办理中", "已办结", "已核实"):
        expect(timeline).to_contain_text(text)
    # The reporter, still on the case's page, is told of 受理, 办结 and 核实 without a reload
    # (the bell asks again as the tab shows: static/js/bell.js).
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("[data-testid=unread-count]")).to_have_text("3")
    case.refresh_from_db()
    assert case.is_closed and case.verified_by == world["commander"] and case.done_by == world["jiyuan"]
    # Nothing on the phone overflows sideways, and nothing broke on the way.
    width = commander.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    assert recorder.console_errors == [] and office_recorder.console_errors == []
    assert commander.evaluate("window.__cspViolations") == []
    assert office.evaluate("window.__cspViolations") == []
