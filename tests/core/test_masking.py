"""No page and no API answer shows a full identity number or phone to a role without the reveal
privilege: every GET route of the URL configuration is requested as each demo role."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from lianfang.core.accounts.models import User
from lianfang.core.demo.loading import load_demo
from lianfang.core.people.models import Person
from lianfang.core.people.selectors import person_list
from lianfang.core.privacy.cipher import decrypt
from lianfang.core.units.models import Unit
from lianfang.core.units.selectors import unit_list

pytestmark = pytest.mark.django_db

ROLES = ["zhihui", "shijian", "zhongxin", "gongye", "wangge", "dns"]
SKIP = ("admin/", "api/schema/", "api/docs/", "i18n/", "jsi18n/", "accounts/logout/", "static/")


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def _paths(samples: dict[str, str]) -> list[str]:
    paths = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith(SKIP) or "(?P<format>" in route or "\\." in route:
            continue
        route = route.replace("\\Z", "")
        path = re.sub(
            r"<(?:\w+:)?(?P<name>\w+)>|\(\?P<(?P<name2>\w+)>[^)]*\)",
            lambda m: samples.get(str(m.group("name") or m.group("name2")), "1"),
            route,
        )
        paths.append("/" + path)
    return sorted(set(paths))


def test_no_response_shows_a_full_number_or_phone_to_a_role_without_the_privilege() -> None:
    load_demo()
    secrets: set[str] = set()
    for stored in Person.objects.all():
        secrets.add(decrypt(stored.document_cipher, column="person.document"))
        if stored.phone_cipher:
            secrets.add(decrypt(stored.phone_cipher, column="person.phone"))
    assert len(secrets) > 100
    for username in ROLES:
        user = User.objects.get(username=username)
        client = Client(raise_request_exception=True)
        client.force_login(user)
        person = person_list(user).first() or Person.objects.order_by("pk").first()
        unit = unit_list(user).first() or Unit.objects.order_by("pk").first()
        assert person is not None and unit is not None
        paths = _paths({"pk": str(person.pk), "key": "regions.sent_down_staff", "code": "410106000000"})
        assert {f"/registry/people/{person.pk}/", f"/api/v1/people/{person.pk}/", "/api/v1/units/"} <= set(paths)
        for path in paths:
            # A unit's pages get a unit's id.
            path = path.replace(f"/units/{person.pk}/", f"/units/{unit.pk}/")
            for typed in ("", next(iter(secrets))):
                response = client.get(path + (f"?q={typed}" if typed else ""))
                body = response.content.decode(errors="replace")
                # What the user typed may be echoed back to them; nothing stored may appear.
                leaked = [s for s in secrets - {typed} if s in body]
                assert not leaked, f"{username} saw {len(leaked)} full values at {path} (typed {typed!r})"
