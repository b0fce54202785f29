"""On a phone (360 px): the subdistrict's staff set up their enterprise task force on a fresh
system, add a member and cover the subdistrict's enterprises; nothing overflows sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lianfang.core.units.models import UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from lianfang.enterprises.models import TaskForce
from tests.e2e.conftest import PHONE, Recorder, sign_in
from tests.ids import credit_code
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.cjk_fonts, pytest.mark.django_db(transaction=True)]


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width


def test_subdistrict_staff_set_up_the_task_force_on_a_phone(
    live_world: World, live_server: Any, page: Page, recorder: Recorder
) -> None:
    world = live_world
    data = clean_unit(name="上街机械厂", credit_code=credit_code(), region=world.jiyuan_a, kinds=[UnitKind.ENTERPRISE])
    unit_register(actor=world["commander"], data=data)
    sign_in(page, "jiyuan")
    page.goto("/enterprises/task-forces/")
    expect(page.locator("[data-testid=no-task-force]")).to_be_visible()
    _fits(page)
    page.click("[data-testid=set-up]")
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_have_text("济源路街道企业疫情防控专班")
    page.select_option("select[name=user]", str(world["worker"].pk))
    page.fill("input[name=duty]", "联络员")
    page.click("[data-testid=add-member]")
    expect(page.locator("[data-testid=members]")).to_contain_text("联络员")
    page.click("[data-testid=cover-all]")
    expect(page.locator("[data-testid=enterprises]")).to_contain_text("上街机械厂")
    _fits(page)
    force = TaskForce.objects.get()
    assert force.members.count() == 2 and force.coverage.count() == 1
    assert recorder.console_errors == []
    assert page.evaluate("window.__cspViolations") == []
