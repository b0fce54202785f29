"""On inspectors' phones: a black flag, a second failure that suspends the shop, a stale form that
would record it open (refused), another inspector's passing acceptance that reopens it, and the
public list and figures following; then a half-filled inspection that survives going offline, a
reload and an expired login, and is submitted once, its draft gone from the browser."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from lianfang.core.figures.registry import Period, registry
from lianfang.core.regions.scoping import Scope
from lianfang.markets.models import ShopInspection
from lianfang.markets.states import Outcome, ShopState
from tests.e2e.conftest import PHONE, RECORD_CSP_VIOLATIONS, sign_in
from tests.markets.conftest import MarketWorld, build_markets
from tests.world import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.cjk_fonts, pytest.mark.django_db(transaction=True)]

MASKS = 3  # a required item; item 1 is serious


@pytest.fixture
def live_markets(live_world: World) -> MarketWorld:
    return build_markets(live_world)


def _phone(browser: Browser, live_server: Any) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context, context.new_page()


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def _answer(page: Page, *, failed: tuple[int, ...] = (), upto: int = 99) -> None:
    items = page.locator("[data-item]")
    for n in range(min(items.count(), upto)):
        row = items.nth(n)
        position = int(row.get_attribute("data-item") or 0)
        row.locator("label", has_text="不合格" if position in failed else "合格").first.click()


def _partner(page: Page, name: str) -> None:
    page.locator("[data-field=inspectors] label", has_text=name).locator("input").check()


def _submit(page: Page) -> str:
    page.get_by_test_id("inspection-submit").click()
    page.wait_for_load_state("load")
    return page.get_by_test_id("outcome").inner_text() if page.get_by_test_id("outcome").count() else ""


def test_a_black_flag_then_a_suspension_then_acceptance_by_another_inspector(
    browser: Browser, live_server: Any, live_markets: MarketWorld
) -> None:
    m = live_markets
    shop = m.shops[0]
    a1_context, a1 = _phone(browser, live_server)
    a2_context, a2 = _phone(browser, live_server)
    try:
        sign_in(a1, "a1")
        a1.goto("/markets/")
        expect(a1.get_by_test_id("my-shops")).to_contain_text("老王烩面馆")
        _no_sideways_scroll(a1)
        a1.get_by_test_id("my-shops").locator(f'[data-shop="{shop.pk}"]').click()
        _answer(a1, failed=(MASKS,))
        _partner(a1, "检查员a2")
        _no_sideways_scroll(a1)
        assert "黑旗" in _submit(a1)

        # a2 opens a routine form for the shop while it is still open ...
        sign_in(a2, "a2")
        a2.goto(f"/markets/shops/{shop.pk}/inspect/")
        _answer(a2)

        # ... a1 finds masks missing again: a second black flag within three days suspends it.
        a1.goto(f"/markets/shops/{shop.pk}/inspect/")
        _answer(a1, failed=(MASKS,))
        _partner(a1, "检查员a2")
        assert "责令停业整改" in _submit(a1)
        expect(a1.get_by_test_id("notice")).to_contain_text("上市监停字")
        assert m.reload(shop).state == ShopState.SUSPENDED

        # a2's stale form would record it open with a red flag: refused, with the reason.
        _partner(a2, "检查员a3")
        a2.get_by_test_id("inspection-submit").click()
        expect(a2.locator(".alert-danger, .invalid-feedback").first).to_contain_text("验收合格后才能恢复营业")
        assert ShopInspection.objects.filter(shop=shop).count() == 2

        a3 = a2  # the public list, before the acceptance
        a3.goto("/markets/public/")
        expect(a3.locator("[data-group=suspended]")).to_contain_text("老王烩面馆")

        # a2, not the one who ordered it, accepts the rectified shop.
        a2.goto(f"/markets/shops/{shop.pk}/inspect/?kind=acceptance")
        _answer(a2)
        _partner(a2, "检查员a3")
        assert "验收合格" in _submit(a2)
        assert m.reload(shop).state == ShopState.OPEN
        a2.goto(f"/markets/shops/{shop.pk}/")
        expect(a2.get_by_test_id("shop-state")).to_contain_text("正常营业")
        expect(a2.get_by_test_id("timeline")).to_contain_text("验收合格恢复营业")
        a2.goto("/markets/public/")
        expect(a2.locator("body")).not_to_contain_text("老王烩面馆")
        period = Period.day(m.today)
        values = {
            key: registry.figures[key].compute(period, m.world.district, Scope.everything()).value
            for key in (
                "markets.black_flag_shops",
                "markets.suspended_shops",
                "markets.reopened",
                "markets.inspections",
            )
        }
        assert values == {
            "markets.black_flag_shops": 1,
            "markets.suspended_shops": 1,
            "markets.reopened": 1,
            "markets.inspections": 3,
        }
    finally:
        a1_context.close()
        a2_context.close()


DRAFTS = """async () => {
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open("lianfang-drafts", 1);
    r.onupgradeneeded = () => r.result.createObjectStore("drafts");
    r.onsuccess = () => ok(r.result);
    r.onerror = no;
  });
  const keys = await new Promise((ok) => {
    const r = db.transaction("drafts").objectStore("drafts").getAllKeys();
    r.onsuccess = () => ok(r.result);
  });
  db.close();
  return keys;
}"""


def test_a_half_filled_inspection_survives_offline_a_reload_and_an_expired_login(
    browser: Browser, live_server: Any, live_markets: MarketWorld
) -> None:
    m = live_markets
    shop = m.shops[1]
    context, page = _phone(browser, live_server)
    try:
        sign_in(page, "a1")
        url = f"/markets/shops/{shop.pk}/inspect/"
        page.goto(url)
        _answer(page, failed=(MASKS,), upto=4)
        _partner(page, "检查员a2")
        page.locator("form[data-draft][data-draft-ready='1']").wait_for()
        page.wait_for_timeout(300)
        assert page.evaluate(DRAFTS) == [f"inspect:{shop.pk}:routine"]

        context.set_offline(True)
        with pytest.raises(PlaywrightError):  # no connection: the page cannot load
            page.reload()
        context.set_offline(False)
        context.clear_cookies()  # the login has expired
        page.goto(url)
        assert urlsplit(page.url).path == "/accounts/login/"
        login = page.locator("form:has(input[name=password])")
        login.locator("input[name=username]").fill("a1")
        login.locator("input[name=password]").fill(PASSWORD)
        login.locator("button[type=submit]").click()
        page.wait_for_url(lambda u: urlsplit(u).path == url)
        page.locator("form[data-draft][data-draft-ready='1']").wait_for()
        expect(page.locator("[data-draft-restored]")).to_be_visible()
        # What was filled is back: item 3 fails, items 1, 2 and 4 pass, the partner is ticked.
        assert page.locator(f"[data-item='{MASKS}'] input[value=fail]").is_checked()
        assert page.locator("[data-item='1'] input[value=pass]").is_checked()
        assert page.locator("[data-field=inspectors] input").first.is_checked()
        items = page.locator("[data-item]")
        for n in range(4, items.count()):
            items.nth(n).locator("label", has_text="合格").first.click()
        assert "黑旗" in _submit(page)
        assert ShopInspection.objects.filter(shop=shop, outcome=Outcome.BLACK).count() == 1
        assert page.evaluate(DRAFTS) == []

        # A draft left behind is deleted on signing out (the phone may be handed on).
        page.goto(f"/markets/shops/{m.shops[2].pk}/inspect/")
        page.locator("form[data-draft][data-draft-ready='1']").wait_for()
        _answer(page, upto=2)
        page.wait_for_timeout(300)
        assert page.evaluate(DRAFTS) == [f"inspect:{m.shops[2].pk}:routine"]
        page.get_by_test_id("user-menu").click()
        page.get_by_test_id("sign-out").click()
        # The sign-in page, once the sign-out has gone through (a "load" state could still be the
        # form's page, and the navigation would pull the page from under evaluate).
        page.wait_for_url(lambda u: urlsplit(u).path == "/accounts/login/")
        page.wait_for_load_state("load")
        assert page.evaluate(DRAFTS) == []
    finally:
        context.close()
