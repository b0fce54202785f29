"""Pages for each role: the home page shows jurisdiction and role; Chinese by default, English on request."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.world import World

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_login_page_is_chinese_by_default_and_english_on_request(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-CN"' in page and "登录" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in page and "Sign in" in page


@pytest.mark.parametrize(
    ("username", "role", "where"),
    [
        ("jiyuan", "街道工作人员", "济源路街道"),
        ("market", "部门工作人员", "区市场监管局"),
        ("commander", "区指挥长", "上街区"),
    ],
)
def test_the_home_page_shows_the_users_jurisdiction_and_role(
    world: World, client: Client, username: str, role: str, where: str
) -> None:
    client.force_login(world[username])
    page = client.get("/").content.decode()
    assert role in page and where in page


def test_the_navigation_shows_the_practices_that_exist_and_the_command_view(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    page = client.get("/").content.decode()
    for label in ["三互动", "敲门行动", "志愿者", "红黑旗", "区指挥部", "我的待办", "案件"]:
        assert label in page, label
    assert "尚未开放" not in page  # practices not built yet are not offered
    assert 'href="/command/figures/"' in page


def test_a_user_without_a_role_is_told_how_to_get_one(world: World, client: Client) -> None:
    client.force_login(world["nobody"])
    assert "系统管理员" in client.get("/").content.decode()


def test_the_api_documentation_is_served_without_an_outside_address(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    page = client.get("/api/docs/").content.decode()
    assert "swagger" in page.lower()
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page


def test_a_browser_asking_for_english_still_gets_chinese_until_the_user_switches(client: Client) -> None:
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in page and "登录" in page
