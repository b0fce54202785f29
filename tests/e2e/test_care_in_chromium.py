"""On phones: a sent-down cadre knocks on an 80-year-old's door and records a medicine need; the
care worker dispatches it to the volunteer squad; a volunteer delivers it and the resident's
signature closes the order; a relief application goes through its six states, the public notice's
week passing on a controlled clock; and the people helped rise by one, the relief ledger holding
the amount and the dates."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, FilePayload, Page, expect

from lianfang.care.models import ReliefApplication, ServiceOrder
from lianfang.core.figures.registry import Period, registry
from lianfang.core.regions.scoping import Scope
from tests.care.conftest import CareWorld, build_care
from tests.e2e.conftest import PHONE, RECORD_CSP_VIOLATIONS, sign_in
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.cjk_fonts, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_care(live_world: World) -> CareWorld:
    return build_care(live_world)


def _phone(browser: Browser, live_server: Any) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context, context.new_page()


def _image() -> FilePayload:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buffer, "JPEG")
    return FilePayload(name="photo.jpg", mimeType="image/jpeg", buffer=buffer.getvalue())


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def _helped(day: dt.date) -> int:
    figure = registry.figures["care.people_helped"]
    period = Period(day - dt.timedelta(days=30), day + dt.timedelta(days=30))
    value = figure.compute(period, _district(), Scope.everything())
    return int(value.value or 0)


def _district() -> Any:
    from lianfang.core.regions.models import Region

    return Region.objects.get(code="410106000000")


def test_a_visit_a_delivery_and_relief_by_the_rules_on_phones(
    browser: Browser, live_server: Any, live_care: CareWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    care = live_care
    today = timezone.localdate()

    # 1. The cadre finds 王秀英's home by its address and records a medicine need.
    context, page = _phone(browser, live_server)
    sign_in(page, "cadre")
    page.goto("/care/")
    page.get_by_test_id("household-search").fill("济源路1号")
    page.get_by_test_id("household-search").press("Enter")
    page.get_by_test_id(f"visit-{care.wang.pk}").click()
    form = page.get_by_test_id("visit-form")
    form.locator("[data-field=seen] label", has_text="王秀英").locator("input").check()
    form.locator("textarea[name=situation]").fill("独居，腿脚不便")
    form.locator("select[name=need-kind-0]").select_option("shopping")
    form.locator("select[name=need-person-0]").select_option(str(care.people["wang"].pk))
    form.locator("input[name=need-detail-0]").fill("降压药两盒")
    _no_sideways_scroll(page)
    page.get_by_test_id("visit-submit").click()
    page.wait_for_load_state("load")
    need = page.locator("[data-need]").first
    expect(need).to_contain_text("降压药两盒")
    need.locator("button").click()
    page.wait_for_load_state("load")
    order = ServiceOrder.objects.get()
    assert order.need is not None and order.need.visit.visitor.username == "cadre"
    assert (order.kind, order.person_id) == ("shopping", care.people["wang"].pk)
    context.close()

    # The care worker gives it to the volunteer squad.
    context, page = _phone(browser, live_server)
    sign_in(page, "carer")
    page.goto(f"/care/orders/{order.pk}/")
    page.locator("select[name=squad]").select_option(str(care.squad.pk))
    page.get_by_test_id("dispatch").click()
    expect(page.get_by_test_id("order-state")).to_have_text("已派单")
    context.close()

    # 2. A volunteer of the squad delivers it; the resident signs on the volunteer's phone.
    context, page = _phone(browser, live_server)
    sign_in(page, "volunteer")
    page.goto("/care/")
    page.get_by_test_id("my-orders").locator(f"[data-order='{order.pk}']").click()
    page.locator("input[name=photo]").set_input_files(_image())
    page.locator("input[name=amount_advanced]").fill("56.50")
    page.locator("input[name=receipt]").set_input_files(_image())
    page.get_by_test_id("deliver").click()
    expect(page.get_by_test_id("order-state")).to_have_text("已送达")
    page.locator("input[name=proof]").set_input_files(_image())
    _no_sideways_scroll(page)
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("order-state")).to_have_text("已确认")
    context.close()
    helped_before = _helped(today)

    # 3. 张强's relief, through 申请 → 入户调查 → 公示 → 审批 → 发放 → 归档.
    context, page = _phone(browser, live_server)
    sign_in(page, "carer")
    page.goto(f"/care/households/{care.zhang.pk}/")
    page.locator("summary", has_text="受理临时救助申请").click()
    relief_form = page.locator(f"form[action='/care/households/{care.zhang.pk}/relief/']")
    relief_form.locator("select[name=cause]").select_option("income_loss")
    relief_form.locator("textarea[name=story]").fill("疫情期间停工两个月，无其他收入")
    relief_form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("relief-state")).to_have_text("申请")
    page.get_by_test_id("relief-accept").click()
    expect(page.get_by_test_id("relief-state")).to_have_text("入户调查")
    investigate = page.get_by_test_id("investigate")
    investigate.locator("input[name=household_size]").fill("1")
    investigate.locator("input[name=monthly_income]").fill("0")
    investigate.locator("input[name=assets]").fill("800")
    investigate.locator("textarea[name=findings]").fill("入户核实属实，经济状况核对符合条件")
    investigate.locator("input[name=amount]").fill("1680")
    investigate.locator("button[type=submit]").click()
    expect(page.get_by_test_id("relief-state")).to_have_text("公示")
    application = ReliefApplication.objects.get()
    context.close()

    # The public notice's week passes (a controlled clock: the live server runs in this process).
    later = timezone.now() + dt.timedelta(days=8)
    monkeypatch.setattr(timezone, "now", lambda: later)
    context, page = _phone(browser, live_server)
    sign_in(page, "carer")
    page.goto(f"/care/relief/{application.pk}/")
    page.get_by_test_id("relief-close_publicity").click()
    expect(page.get_by_test_id("relief-state")).to_have_text("审批")
    context.close()

    context, page = _phone(browser, live_server)
    sign_in(page, "approver")
    page.goto(f"/care/relief/{application.pk}/")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("relief-state")).to_have_text("发放")
    context.close()

    context, page = _phone(browser, live_server)
    sign_in(page, "carer")
    page.goto(f"/care/relief/{application.pk}/")
    pay = page.get_by_test_id("pay")
    pay.locator("input[name=amount]").fill("1680")
    pay.locator("label", has_text="银行转账").locator("input").check()
    pay.locator("input[name=account]").fill("6222 0212 3456 7890 123")
    pay.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("6222 **** **** 0123")
    page.get_by_test_id("relief-archive").click()
    expect(page.get_by_test_id("relief-state")).to_have_text("归档")
    _no_sideways_scroll(page)

    # 4. One more person helped; the ledger's row holds the amount and the dates.
    paid_day = timezone.localtime(later).date()
    assert _helped(paid_day) == helped_before + 1
    answer = page.request.get("/care/relief/ledger.xlsx")
    assert answer.status == 200
    sheet = load_workbook(io.BytesIO(answer.body())).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    [row] = [r for r in rows if r[1] == "张强"]
    assert float(str(row[7])) == 1680.0 and row[8] == "银行转账"
    assert row[9] is not None and row[10] is not None
    assert str(row[10])[:10] == paid_day.isoformat() and str(row[9])[:10] == paid_day.isoformat()
    assert row[2] != "" and "*" in str(row[2])  # the identity number masked
    context.close()


def test_a_half_filled_visit_survives_a_dropped_connection_and_an_expired_login(
    browser: Browser, live_server: Any, live_care: CareWorld
) -> None:
    from urllib.parse import urlsplit

    from playwright.sync_api import Error as PlaywrightError

    from lianfang.care.models import Need, Visit
    from tests.e2e.test_markets_in_chromium import DRAFTS
    from tests.world import PASSWORD

    care = live_care
    context, page = _phone(browser, live_server)
    try:
        sign_in(page, "cadre")
        url = f"/care/households/{care.li.pk}/visit/"
        page.goto(url)
        page.locator("form[data-draft][data-draft-ready='1']").wait_for()
        page.locator("textarea[name=situation]").fill("老人卧床，女儿在外地")
        page.locator("select[name=need-kind-0]").select_option("medical")
        page.locator("input[name=need-detail-0]").fill("下周复诊需接送")
        page.wait_for_timeout(300)
        assert page.evaluate(DRAFTS) == [f"visit:{care.li.pk}"]

        context.set_offline(True)
        with pytest.raises(PlaywrightError):  # the connection dropped: the page cannot load
            page.reload()
        context.set_offline(False)
        context.clear_cookies()  # and the login has expired
        page.goto(url)
        assert urlsplit(page.url).path == "/accounts/login/"
        login = page.locator("form:has(input[name=password])")
        login.locator("input[name=username]").fill("cadre")
        login.locator("input[name=password]").fill(PASSWORD)
        login.locator("button[type=submit]").click()
        page.wait_for_url(lambda u: urlsplit(u).path == url)
        page.locator("form[data-draft][data-draft-ready='1']").wait_for()
        expect(page.locator("[data-draft-restored]")).to_be_visible()
        expect(page.locator("textarea[name=situation]")).to_have_value("老人卧床，女儿在外地")
        expect(page.locator("input[name=need-detail-0]")).to_have_value("下周复诊需接送")
        page.get_by_test_id("visit-submit").click()
        page.wait_for_load_state("load")
        assert Visit.objects.filter(household=care.li).count() == 1
        assert Need.objects.get().detail == "下周复诊需接送"
        assert page.evaluate(DRAFTS) == []
    finally:
        context.close()
