"""Menus by role: every account the demo creates is shown only pages it may use. Each link its
menus offer answers 200, each role reaches the pages it must (the README's table of demo
accounts), and a unit contact is not offered the staff's pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianfang.core.accounts.models import User
from lianfang.core.accounts.permissions import needs_second_factor
from lianfang.core.demo.loading import load_demo
from lianfang.core.regions.scoping import scope_for
from lianfang.core.units.models import Unit

pytestmark = pytest.mark.django_db

STAFF_WORK = ["/cases/mine/", "/cases/reported/", "/cases/", "/cases/new/", "/notices/"]

# What each demo account must reach from its menus (README: "The demo").
MUST_REACH = {
    "zhihui": [*STAFF_WORK, "/enterprises/", "/volunteers/", "/registry/people/", "/registry/units/",
               "/registry/ledgers/", "/command/figures/", "/audit/", "/calendar/epidemic/",
               "/registry/people/pending/"],
    "shijian": [*STAFF_WORK, "/registry/units/", "/command/figures/"],
    "jiwei": [*STAFF_WORK, "/registry/units/", "/command/figures/"],
    "zhongxin": [*STAFF_WORK, "/volunteers/", "/registry/people/", "/registry/units/", "/command/figures/"],
    "gongye": [*STAFF_WORK, "/enterprises/", "/volunteers/", "/registry/people/", "/command/figures/",
               "/registry/people/pending/"],
    "hecha": [*STAFF_WORK, "/registry/people/", "/registry/units/", "/registry/ledgers/"],
    "wangge": ["/cases/mine/", "/cases/reported/", "/cases/new/", "/volunteers/", "/registry/people/", "/notices/"],
    "shenji": ["/audit/", "/cases/", "/command/figures/"],
    "admin": ["/admin/", "/registry/ledgers/", "/calendar/"],
    "dns": ["/cases/mine/", "/notices/", "unit:丹尼斯"],
    "qiye": ["/cases/mine/", "/cases/reported/", "/enterprises/", "/volunteers/", "/notices/", "unit:上街机械厂"],
}  # fmt: skip
# What a role must not be offered: staff pages for the organisations' contacts, business for the administrator.
NEVER = {
    "dns": ["/command/figures/", "/registry/people/", "/registry/ledgers/", "/cases/new/", "/enterprises/", "/audit/"],
    "qiye": ["/command/figures/", "/registry/people/", "/registry/ledgers/", "/cases/new/", "/audit/"],
    "admin": ["/cases/", "/cases/mine/", "/registry/people/", "/command/figures/", "/notices/", "/calendar/epidemic/"],
    "wangge": ["/audit/", "/registry/ledgers/", "/command/figures/", "/registry/people/pending/", "/calendar/"],
    "shenji": ["/cases/new/", "/registry/ledgers/"],
}
MENU = re.compile(r'data-testid="main-nav">(.*?)</ul>', re.S)
LINK = re.compile(r'href="(/[^"#]*)"')


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    if needs_second_factor(user):  # as after a TOTP check: the session names the device
        from django_otp import DEVICE_ID_SESSION_KEY

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="phone", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _offered(client: Client) -> list[str]:
    home = client.get("/")
    assert home.status_code == 200
    found = MENU.search(home.content.decode())
    assert found, "the page has no menu"
    return LINK.findall(found.group(1))


def _expected(name: str) -> list[str]:
    paths = []
    for page in MUST_REACH[name]:
        if page.startswith("unit:"):
            paths.append(f"/registry/units/{Unit.objects.get(name=page[5:]).pk}/")
        else:
            paths.append(page)
    return paths


def test_every_demo_account_is_offered_only_pages_that_open_and_reaches_what_its_role_needs() -> None:
    load_demo()
    checked: dict[tuple[frozenset[str], tuple[str, ...]], str] = {}
    users = list(User.objects.filter(is_active=True).order_by("pk"))
    assert {u.username for u in users} >= set(MUST_REACH)
    for user in users:
        client = _signed_in(user)
        offered = _offered(client)
        if user.username in MUST_REACH:
            assert set(_expected(user.username)) <= set(offered), (user.username, offered)
        assert not set(NEVER.get(user.username, ())) & set(offered), (user.username, offered)
        # Accounts of the same roles offered the same links are followed once (200 sent-down workers).
        signature = (scope_for(user).roles, tuple(offered))
        if signature in checked and user.username not in MUST_REACH:
            continue
        checked[signature] = user.username
        for path in offered:
            answer = client.get(path)
            assert answer.status_code == 200, (user.username, path, answer.status_code)
    assert len(checked) >= len(MUST_REACH)
