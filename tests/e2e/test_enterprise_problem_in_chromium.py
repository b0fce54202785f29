"""On phones: an enterprise's contact reports a labour shortage; the subdistrict accepts it, places
workers and closes it with the outcome; the commander verifies it; the figure of workers placed
rises by exactly that number."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from lianfang.enterprises.models import EnterpriseProblem
from tests.e2e.conftest import PHONE, RECORD_CSP_VIOLATIONS, Recorder, sign_in
from tests.ids import credit_code
from tests.world import World, make_user

pytestmark = [pytest.mark.browser, pytest.mark.cjk_fonts, pytest.mark.django_db(transaction=True)]


def _phone(browser: Browser, live_server: Any) -> Page:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-US")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context.new_page()


def _workers_placed(page: Page) -> str:
    today = timezone.localdate().isoformat()
    page.goto(f"/command/figures/enterprises.workers_placed/?from={today}&to={today}&region=410106000000")
    return page.locator("[data-testid=figure-value]").inner_text()


def _bell_asks(page: Page) -> None:
    """What bell.js does when a hidden tab shows again: ask for the count at once, no reload."""
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")


def _act(page: Page, action: str) -> None:
    page.locator(f"button[data-action={action}]").click()
    page.wait_for_load_state("load")


def test_an_enterprise_reports_a_labour_shortage_and_the_workers_placed_figure_rises(
    live_world: World, browser: Browser, live_server: Any, page: Page, recorder: Recorder
) -> None:
    world = live_world
    unit, _ = unit_register(
        actor=world["commander"],
        data=clean_unit(
            name="上街机械厂",
            credit_code=credit_code(),
            region=world.jiyuan_a,
            kinds=[UnitKind.ENTERPRISE],
            address="x",
        ),
    )
    contact = make_user("qiye")
    Membership.objects.create(user=contact, role=Role.UNIT_CONTACT, region=unit.region, unit=unit)

    commander = _phone(browser, live_server)
    sign_in(commander, "commander")
    assert _workers_placed(commander) == "0"

    sign_in(page, "qiye")
    page.goto("/enterprises/problems/new/")
    # An empty report is refused beside the fields that are missing.
    page.click("[data-testid=problem-submit]")
    expect(page.locator("[data-field-error=description]")).to_be_visible()
    expect(page.locator("[data-field-error=confirmed]")).to_be_visible()
    assert EnterpriseProblem.objects.count() == 0
    page.select_option("select[name=category]", "labour")
    page.fill("input[name=title]", "缺工20人，急需普工")
    page.fill("textarea[name=description]", "装配车间缺普工")
    page.check("input[name=confirmed]")
    page.click("[data-testid=problem-submit]")
    expect(page.locator("[data-testid=state]")).to_have_text("已上报")
    case_id = EnterpriseProblem.objects.get().pk

    office = _phone(browser, live_server)
    sign_in(office, "jiyuan")
    # The office that must accept the report was told: its bell counts it, and the notification
    # opens the case.
    expect(office.locator("[data-testid=unread-count]")).to_have_text("1")
    office.goto("/notifications/")
    office.locator("[data-testid=notifications] a", has_text="缺工20人").first.click()
    expect(office.locator("[data-testid=state]")).to_have_text("已上报")
    _act(office, "accept")
    # The enterprise, its page still open, hears of 受理 without a reload.
    _bell_asks(page)
    expect(page.locator("[data-testid=unread-count]")).to_have_text("1")
    _act(office, "start")
    office.locator("a[data-action=finish]").click()
    office.fill("textarea[name=outcome]", "协调人社部门推荐普工20人到岗")
    office.click("[data-testid=close-submit]")
    expect(office.locator(".alert-danger, .invalid-feedback").first).to_contain_text("请填写协调用工人数")
    expect(office.locator("input[name=workers_placed]")).to_have_attribute("inputmode", "numeric")
    office.fill("input[name=workers_placed]", "20")
    office.click("[data-testid=close-submit]")
    expect(office.locator("[data-testid=state]")).to_have_text("已办结")
    _bell_asks(page)
    expect(page.locator("[data-testid=unread-count]")).to_have_text("2")

    # Done is not yet solved: the figure waits for the verifier.
    assert _workers_placed(commander) == "0"
    commander.goto(f"/cases/{case_id}/")
    _act(commander, "verify")
    expect(commander.locator("[data-testid=state]")).to_have_text("已核实")
    assert _workers_placed(commander) == "20"
    expect(commander.locator("[data-testid=rows]")).to_contain_text("上街机械厂")
    # 核实 reaches both the enterprise and the office that did the work.
    _bell_asks(page)
    expect(page.locator("[data-testid=unread-count]")).to_have_text("3")
    office.goto("/notifications/")
    expect(office.locator("[data-testid=notifications]")).to_contain_text("核实")
    page.goto("/notifications/")
    for step in ("受理", "办结", "核实"):
        expect(page.locator("[data-testid=notifications]")).to_contain_text(step)

    for phone in (page, office, commander):
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        assert phone.evaluate("window.__cspViolations") == []
    assert recorder.console_errors == []
