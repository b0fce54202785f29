"""On phones: a subdistrict sends its enterprises the daily prevention notice; an enterprise's
contact opens it from the notification badge and acknowledges it; the sender sees the count rise."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from lianfang.core.notices.models import Notice, NoticeReceipt
from lianfang.core.regions.models import Membership, Role
from lianfang.core.units.models import Unit, UnitKind, UnitProfile
from tests.e2e.conftest import PHONE, RECORD_CSP_VIOLATIONS, Recorder, sign_in
from tests.world import World, make_user

pytestmark = [pytest.mark.browser, pytest.mark.cjk_fonts, pytest.mark.django_db(transaction=True)]


def _phone(browser: Browser, live_server: Any) -> Page:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context.new_page()


def _enterprise(name: str, region: Any) -> Unit:
    unit = Unit.objects.create(name=name, region=region)
    UnitProfile.objects.create(unit=unit, kind=UnitKind.ENTERPRISE)
    return unit


def test_a_contact_acknowledges_a_notice_on_a_phone_and_the_sender_sees_the_count_rise(
    live_world: World, browser: Browser, live_server: Any, page: Page, recorder: Recorder
) -> None:
    world = live_world
    plant = _enterprise("济源机械厂", world.jiyuan_a)
    _enterprise("登封建材", world.jiyuan_b)
    contact = make_user("plant", full_name="机械厂联系人")
    Membership.objects.create(user=contact, role=Role.UNIT_CONTACT, region=plant.region, unit=plant)

    # The subdistrict composes the notice on a phone: all enterprises of 济源路街道.
    sign_in(page, "jiyuan")
    page.goto("/notices/new/")
    page.fill("input[name=title]", "每日防控要求")
    page.fill("textarea[name=body]", "各企业：请落实晨午检，17时前报送防控情况。")
    page.check("input[name=target_kind][value=kind_in_region]")
    expect(page.locator("select[name=target_units]")).to_be_hidden()
    page.select_option("select[name=target_unit_kind]", "enterprise")
    page.select_option("select[name=target_region]", label="济源路街道")
    page.click("[data-testid=send]")
    expect(page.locator("[data-testid=page-header] h1")).to_have_text("每日防控要求")
    expect(page.locator("[data-testid=acknowledged-count]")).to_have_text("0")
    expect(page.locator("[data-testid=not-acknowledged]")).to_contain_text("济源机械厂")
    notice = Notice.objects.get()

    # The enterprise's contact sees the badge, opens the notice from it and acknowledges it.
    phone = _phone(browser, live_server)
    phone_recorder = Recorder(phone)
    sign_in(phone, "plant")
    expect(phone.locator("[data-testid=unread-count]")).to_have_text("1")
    phone.click("[data-testid=nav-notifications]")
    phone.locator("[data-testid=notifications] a", has_text="每日防控要求").click()
    expect(phone.locator("[data-testid=notice-body]")).to_contain_text("晨午检")
    phone.click("[data-testid=acknowledge]")
    expect(phone.locator("[data-testid=my-receipt]")).to_contain_text("已确认")
    expect(phone.locator("[data-testid=acknowledge]")).to_have_count(0)
    receipt = NoticeReceipt.objects.get(notice=notice, unit=plant)
    assert receipt.acknowledged_by == contact and receipt.read_at is not None

    # The sender's page counts it; the list shows 已读 1/2 · 已确认 1/2.
    page.reload()
    expect(page.locator("[data-testid=acknowledged-count]")).to_have_text("1")
    expect(page.locator("[data-testid=read-count]")).to_have_text("1")
    expect(page.locator("[data-testid=not-acknowledged]")).not_to_contain_text("济源机械厂")
    page.goto("/notices/")
    expect(page.locator(f"[data-notice='{notice.pk}'] [data-testid=counts]")).to_have_text("已读 1/2 · 已确认 1/2")

    for p in (page, phone):
        width = p.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, width
        assert p.evaluate("window.__cspViolations") == []
    assert recorder.console_errors == [] and phone_recorder.console_errors == []


def test_a_contact_acknowledges_from_the_list_and_the_row_changes_in_place(
    live_world: World, browser: Browser, live_server: Any, recorder: Recorder
) -> None:
    from lianfang.core.notices.services import notice_send
    from lianfang.core.notices.targets import clean_target

    world = live_world
    plant = _enterprise("济源机械厂", world.jiyuan_a)
    contact = make_user("plant", full_name="机械厂联系人")
    Membership.objects.create(user=contact, role=Role.UNIT_CONTACT, region=plant.region, unit=plant)
    target = clean_target(kind="units", units=[plant])
    for title in ("第一份通知", "第二份通知", "第三份通知"):
        notice_send(actor=world["jiyuan"], title=title, body="请落实。", target=target)
    middle = NoticeReceipt.objects.get(notice__title="第二份通知")

    phone = _phone(browser, live_server)
    phone_recorder = Recorder(phone)
    sign_in(phone, "plant")
    phone.goto("/notices/")
    expect(phone.locator("[data-testid=unacknowledged-count]")).to_have_attribute("data-count", "3")
    phone.evaluate("window.__stayed = true")  # gone if the page reloads
    row = phone.locator(f"#receipt-{middle.pk}")
    row.locator("[data-testid=acknowledge-row]").click()
    expect(row.locator("[data-testid=row-status]")).to_have_text("已确认")
    expect(row.locator("[data-testid=acknowledge-row]")).to_have_count(0)
    expect(phone.locator("[data-testid=unacknowledged-count]")).to_have_attribute("data-count", "2")
    assert phone.evaluate("window.__stayed") is True
    expect(phone.locator("[data-testid=inbox-row]").nth(1)).to_have_id(f"receipt-{middle.pk}")
    middle.refresh_from_db()
    assert middle.acknowledged_by == contact
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    assert phone.evaluate("window.__cspViolations") == [] and phone_recorder.console_errors == []
