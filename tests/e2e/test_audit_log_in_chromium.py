"""The commander looks up what one person did, on a phone and at a desk: names and labels, no
codes, and no sideways scrolling."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.labels import action_label, system_actor_label
from lianfang.core.audit.services import audit_record
from tests.e2e.conftest import PHONE, RECORD_CSP_VIOLATIONS, sign_in
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.cjk_fonts, pytest.mark.django_db(transaction=True)]

DESK: ViewportSize = {"width": 1280, "height": 800}
CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b|system:[a-z]+|TOTPDevice")


def _open(browser: Browser, live_server: Any, size: ViewportSize) -> Page:
    context = browser.new_context(viewport=size, base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context.new_page()


@pytest.mark.parametrize("size", [PHONE, DESK], ids=["phone", "desk"])
def test_the_commander_reads_what_one_person_did(
    live_world: World, browser: Browser, live_server: Any, size: ViewportSize
) -> None:
    world = live_world
    world["jiyuan"].full_name = "周济源"
    world["jiyuan"].save(update_fields=["full_name"])
    audit_record(actor=world["jiyuan"], verb="region.update", target=world.jiyuan_a)
    audit_record(actor=world["jiyuan"], verb="auth.second_factor", target=world["jiyuan"], detail="TOTPDevice")
    audit_record(actor=SystemActor("demo"), verb="region.create", target=world.jiyuan)
    page = _open(browser, live_server, size)
    sign_in(page, "commander")

    page.goto("/audit/")
    page.fill("#a-person", "周济")
    page.locator("[data-testid=audit-filters] button[type=submit]").click()
    expect(page.locator("[data-testid=person-matches]")).to_contain_text("周济源")
    page.locator("[data-testid=person-matches] a", has_text="周济源").click()
    expect(page.locator("[data-testid=chosen-person]")).to_contain_text("周济源")
    events = page.locator("[data-testid=audit-events]")
    expect(events).to_contain_text(str(action_label("region.update")))
    expect(events).not_to_contain_text(str(system_actor_label("system:demo")))

    page.goto("/audit/")
    text = page.locator("main, .page-body").first.inner_text()
    assert not CODE.findall(text), CODE.findall(text)
    assert str(system_actor_label("system:demo")) in text
    width = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"the page scrolls sideways by {width}px at {size['width']}px"
    assert page.evaluate("window.__cspViolations") == []
