"""The bulletin in Chromium: 区委办's editor drafts an issue from the records on the page, edits its
title and moves a figure (a retyped figure is refused), submits it; a second person signs it and
downloads the Word file, whose text has the figure."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from lianfang.command.models import Bulletin
from lianfang.command.states import BulletinState
from lianfang.core.regions.models import Department, DepartmentKind, Membership, Role
from tests.e2e.conftest import PHONE, RECORD_CSP_VIOLATIONS, Recorder, sign_in
from tests.markets.conftest import MarketWorld, build_markets
from tests.world import World, make_user

pytestmark = [pytest.mark.browser, pytest.mark.cjk_fonts, pytest.mark.django_db(transaction=True)]

MASKS = 3


@pytest.fixture
def live_office(live_world: World) -> MarketWorld:
    markets = build_markets(live_world)
    now = timezone.now()
    markets.inspect(markets.shops[0], MASKS, inspected_at=now - dt.timedelta(days=3))
    markets.inspect(markets.shops[1], inspected_at=now - dt.timedelta(days=2))
    qwb = Department.objects.create(code="qwb", name="区委办", kind=DepartmentKind.BUREAU, region=live_world.district)
    for name in ("editor", "signer"):
        user = make_user(name)
        Membership.objects.create(user=user, role=Role.DEPARTMENT_STAFF, region=live_world.district, department=qwb)
    return markets


def _phone(browser: Browser, live_server: Any) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-US", accept_downloads=True)
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    return context, context.new_page()


def test_an_issue_is_drafted_edited_signed_by_a_second_person_and_downloaded(
    browser: Browser, live_server: Any, live_office: MarketWorld
) -> None:
    from docx import Document

    today = timezone.localdate()
    context, page = _phone(browser, live_server)
    recorder = Recorder(page)
    sign_in(page, "editor")
    page.goto("/command/bulletins/")
    form = page.get_by_test_id("draft-form")
    form.locator("input[name=start]").fill(str(today - dt.timedelta(days=6)))
    form.locator("input[name=end]").fill(str(today - dt.timedelta(days=1)))
    form.locator("input[name=issued_on]").fill(str(today))
    page.get_by_test_id("draft").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("state")).to_have_text("草稿")
    expect(page.get_by_test_id("section")).to_have_count(1)
    expect(page.get_by_test_id("preview")).to_contain_text("检查商户2家次")
    issue = Bulletin.objects.get()
    token = issue.figures.get(key="markets.inspections")
    marker = f"⟦2#{token.token}⟧"

    page.get_by_test_id("edit").click()
    page.wait_for_load_state("load")
    text = page.locator("[data-testid=edit-section] textarea")
    original = text.input_value()
    assert marker in original
    # A retyped figure is refused, naming the section.
    text.fill(original.replace(marker, f"⟦20#{token.token}⟧"))
    page.get_by_test_id("save").click()
    page.wait_for_load_state("load")
    expect(page.locator("[data-field-error]").first).to_contain_text("第1节")
    # Moved to the front, with a new title: saved.
    page.locator("input[name=title]").fill("全区市场监管工作动态")
    page.locator("[data-testid=edit-section] textarea").fill(marker + "。" + original.replace(marker, "若干"))
    page.get_by_test_id("save").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("title")).to_have_text("全区市场监管工作动态")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # The figure links to the rows behind it.
    page.locator("a.bulletin-figure").first.click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("row-count")).to_have_text("2")
    page.get_by_test_id("back-to-issue").click()
    page.wait_for_load_state("load")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("second-person")).to_be_visible()
    assert not recorder.console_errors
    context.close()

    context, page = _phone(browser, live_server)
    sign_in(page, "signer")
    page.goto(f"/command/bulletins/{issue.pk}/")
    page.get_by_test_id("sign").click()
    page.wait_for_load_state("load")
    expect(page.get_by_test_id("state")).to_have_text("已签发")
    issue.refresh_from_db()
    assert issue.state == BulletinState.PUBLISHED and issue.signed_by is not None
    with page.expect_download() as download:
        page.get_by_test_id("download-docx").click()
    path = download.value.path()
    with open(path, "rb") as downloaded:
        doc = Document(io.BytesIO(downloaded.read()))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "全区市场监管工作动态" in body and "检查商户若干家次" in body and doc.paragraphs[0].text == "上街信息"
    assert any(p.text.startswith("2。") for p in doc.paragraphs)  # the figure, moved to the front
    context.close()
