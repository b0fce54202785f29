"""Volunteers are listed in one order everywhere: by the pinyin of their names."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.volunteers.conftest import Corps

pytestmark = pytest.mark.django_db


def test_volunteers_are_listed_by_pinyin_not_by_character_code(corps: Corps) -> None:
    client = Client()
    client.force_login(corps.user("jiyuan"))
    body = client.get("/api/v1/volunteers/").json()
    rows = body["results"] if isinstance(body, dict) else body
    surnames = [row["name"][0] for row in rows]
    assert surnames == sorted(surnames, key="李王张赵".index)  # li, wang, zhang, zhao; by code: 张 李 王 赵
    page = client.get("/volunteers/").content.decode()
    assert page.index("李四") < page.index("王六") < page.index("张一")
