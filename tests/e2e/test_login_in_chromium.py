"""Signing in with a real Chromium on a phone-sized screen, against the live server.

The browser is Debian's Chromium (Playwright cannot download its own here). District intranets
are offline, so every request must stay on the live server's host, and the strict content
security policy must hold without a single console error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import Recorder, sign_in
from tests.world import World

pytestmark = pytest.mark.browser


def test_a_subdistrict_official_signs_in_on_a_phone_and_sees_their_jurisdiction(
    page: Page, live_world: World, tmp_path: Path
) -> None:
    sign_in(page, "jiyuan")

    assert page.get_attribute("html", "lang") == "zh-CN"
    memberships = page.locator("[data-testid=memberships]")
    assert memberships.is_visible()
    assert "济源路街道" in memberships.inner_text()
    assert "街道工作人员" in memberships.inner_text()  # the role, in Chinese
    page.screenshot(path=str(tmp_path / "home-360x640.png"), full_page=True)

    # On a phone the navigation folds behind the menu button; Tabler's script unfolds it.
    command = page.locator("#main-nav a[href^='/command/figures/']")
    assert not command.is_visible()
    page.locator("button.navbar-toggler").click()
    # Visible as soon as the menu starts to unfold; clicked once it has (a link still below the
    # unfolding edge would take the click elsewhere).
    page.locator("#main-nav.collapse.show").wait_for(state="visible")
    command.wait_for(state="visible")
    assert "区指挥部" in command.inner_text()
    command.click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/command/figures/")


def test_the_pages_are_styled_by_tabler_served_from_the_live_server(page: Page, live_world: World) -> None:
    with page.expect_response(lambda response: response.url.endswith("/tabler.min.css")) as tabler:
        sign_in(page, "jiyuan")

    assert tabler.value.status == 200
    assert tabler.value.headers["content-type"].startswith("text/css")
    rules = page.evaluate(
        "[...document.styleSheets].filter(s => (s.href || '').endsWith('/tabler.min.css')).map(s => s.cssRules.length)"
    )
    assert rules and rules[0] > 1000
    # Tabler's own variable on the root: present only when its stylesheet applied.
    assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--tblr-primary')").strip()


def test_no_request_leaves_the_machine_while_signing_in(
    page: Page, recorder: Recorder, live_world: World, live_server: Any
) -> None:
    sign_in(page, "jiyuan")
    page.locator("button.navbar-toggler").click()
    page.locator("#main-nav").wait_for(state="visible")

    here = urlsplit(live_server.url).netloc
    assert any(urlsplit(url).path == "/" for url in recorder.urls)
    elsewhere = [url for url in recorder.urls if urlsplit(url).scheme not in {"data", "blob"}]
    elsewhere = [url for url in elsewhere if urlsplit(url).netloc != here]
    assert elsewhere == []


def test_the_language_switch_turns_the_page_into_english_and_back(page: Page, live_world: World) -> None:
    sign_in(page, "jiyuan")
    switch = page.locator("[data-testid=language-switch] button[type=submit]")
    assert page.get_attribute("html", "lang") == "zh-CN"

    page.locator("[data-testid=user-menu]").click()  # the switch sits in the user's menu
    with page.expect_navigation():
        switch.click()
    assert page.get_attribute("html", "lang") == "en"
    assert urlsplit(page.url).path == "/"
    assert "Subdistrict staff" in page.locator("[data-testid=memberships]").inner_text()

    page.locator("[data-testid=user-menu]").click()
    with page.expect_navigation():
        switch.click()
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert "街道工作人员" in page.locator("[data-testid=memberships]").inner_text()


def test_the_home_page_logs_no_console_error_and_breaks_no_content_security_policy(
    page: Page, recorder: Recorder, live_world: World
) -> None:
    sign_in(page, "jiyuan")
    page.reload(wait_until="networkidle")  # late requests (the icon) have had their turn
    page.locator("button.navbar-toggler").click()
    page.locator("#main-nav").wait_for(state="visible")

    assert page.evaluate("window.__cspViolations") == []
    assert recorder.console_errors == []


def test_the_browser_finds_the_site_icon(page: Page, live_world: World) -> None:
    # Chromium remembers a missing icon for the whole browser, so ask the way it would, once.
    page.goto("/accounts/login/")
    icon = page.locator("link[rel~=icon]")
    href = icon.first.get_attribute("href") if icon.count() else "/favicon.ico"
    assert href
    if not href.startswith("data:"):
        assert page.request.get(href).status == 200
