"""The bell in Chromium: a notification that arrives while a page is open shows without a reload;
while the tab is hidden the bell does not ask."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lianfang.core.notices.services import notify
from tests.e2e.conftest import Recorder, sign_in
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_notification_rings_the_bell_without_a_reload_and_not_while_hidden(
    live_world: World, live_server: Any, page: Page, recorder: Recorder
) -> None:
    sign_in(page, "jiyuan")
    page.goto("/cases/mine/")
    expect(page.locator("[data-testid=unread-count]")).to_have_count(0)
    bell = page.locator("[data-testid=bell]")
    assert "every 60s" in (bell.get_attribute("hx-trigger") or "")

    # Hidden: the bell's request is cancelled, the count stays as it was.
    notify(users=[live_world["jiyuan"]], title="新案件待受理", key="e2e:1")
    page.evaluate("Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true})")
    page.evaluate("htmx.trigger(document.querySelector('[data-bell]'), 'bell-refresh')")
    page.wait_for_timeout(500)
    assert not [url for url in recorder.urls if "/notifications/bell/" in url]
    expect(page.locator("[data-testid=unread-count]")).to_have_count(0)

    # Shown again: the bell catches up at once.
    page.evaluate("Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true})")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("[data-testid=unread-count]")).to_have_text("1")
    assert page.url.endswith("/cases/mine/")
    assert recorder.console_errors == []
