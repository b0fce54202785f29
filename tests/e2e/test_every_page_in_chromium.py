"""Every page every demo account's menus offer, in Chromium, at a phone's size and a desk's (and a
wide screen's for the commander): no sideways scrolling, no console error or CSP violation, no
request to another host, and no English word where a user reads (but a short list of names).

It runs on PostgreSQL only (CI runs the suite on both databases; once is enough for a crawl)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page

from lianfang.core.accounts.models import User
from lianfang.core.accounts.permissions import needs_second_factor
from lianfang.core.demo.loading import load_demo
from tests.e2e.conftest import RECORD_CSP_VIOLATIONS, Recorder

pytestmark = [
    pytest.mark.browser,
    pytest.mark.cjk_fonts,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the page crawl runs once, on PostgreSQL (CI runs it there)"
    ),
]

ACCOUNTS = ["zhihui", "shijian", "jiwei", "zhongxin", "gongye", "wangge", "shenji", "admin", "dns", "qiye", "quweiban"]
SIZES = [(360, 640), (1280, 800)]
WIDE = (1920, 1080)
# Latin words a user may read: names of things, the language switch, the demo's user names.
ALLOWED_WORDS = {
    "API",
    "Excel",
    "TOTP",
    "Lianfang",
    "English",
    "ECharts",
    "Tabler",
    "htmx",
    "Swagger",
    "OpenAPI",
    "PDF",
    "Word",
}
MENU = re.compile(r'data-testid="main-nav">(.*?)</ul>', re.S)
LINK = re.compile(r'href="(/[^"#]*)"')
WORD = re.compile(r"(?<![\w/.@-])[A-Za-z]{3,}(?![\w/.@-])")


def _client(user: User) -> Client:
    """A signed-in session (past the second factor for the roles that need one)."""
    client = Client()
    client.force_login(user)
    if needs_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        assert device is not None
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _session(user: User) -> str:
    return str(_client(user).cookies["sessionid"].value)


def _pages(user: User) -> list[str]:
    home = _client(user).get("/").content.decode()
    found = MENU.search(home)
    assert found, f"{user.username}: no menu"
    return ["/", *dict.fromkeys(LINK.findall(found.group(1)))]


@pytest.fixture
def demo(transactional_db: Any) -> Iterator[None]:
    load_demo()
    yield


def _look(page: Page, path: str, words_allowed: set[str]) -> list[str]:
    """What is wrong with the page at `path`, as lines (empty when nothing is)."""
    problems = []
    answer = page.goto(path)
    page.wait_for_load_state("load")
    if answer is None or answer.status != 200:
        return [f"{path}: answered {answer.status if answer else 'nothing'}"]
    scroll, width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if scroll > width:
        problems.append(f"{path}: scrolls sideways ({scroll} > {width})")
    violations = page.evaluate("window.__cspViolations || []")
    if violations:
        problems.append(f"{path}: CSP violations {violations}")
    text = page.evaluate("document.body.innerText")
    english = sorted({w for w in WORD.findall(text) if w not in words_allowed})
    if english:
        problems.append(f"{path}: English words {english[:10]}")
    return problems


def test_every_page_each_demo_account_is_offered_fits_and_speaks_chinese(
    browser: Browser, live_server: Any, demo: None
) -> None:
    problems: list[str] = []
    usernames = set(User.objects.values_list("username", flat=True))  # shown beside people's names
    for username in ACCOUNTS:
        user = User.objects.get(username=username)
        pages = _pages(user)
        allowed = ALLOWED_WORDS | usernames
        sizes = [*SIZES, WIDE] if username == "zhihui" else SIZES
        for width, height in sizes:
            context = browser.new_context(
                viewport={"width": width, "height": height}, base_url=live_server.url, locale="en-US"
            )
            context.add_init_script(RECORD_CSP_VIOLATIONS)
            host = urlsplit(live_server.url)
            context.add_cookies([{"name": "sessionid", "value": _session(user), "domain": host.hostname, "path": "/"}])
            page = context.new_page()
            recorder = Recorder(page)
            for path in pages:
                problems += [f"{username} {width}px {line}" for line in _look(page, path, allowed)]
            elsewhere = {urlsplit(u).netloc for u in recorder.urls if urlsplit(u).scheme in {"http", "https"}}
            elsewhere.discard(host.netloc)
            if elsewhere:
                problems.append(f"{username} {width}px: requests to {sorted(elsewhere)}")
            if recorder.console_errors:
                problems.append(f"{username} {width}px: console errors {recorder.console_errors[:3]}")
            context.close()
    assert not problems, "\n".join(problems)
