"""The bell updates without a reload: every page polls a partial for the unread count, at the
interval a setting gives, and the poll does not keep an unused session alive."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from lianfang.core.notices.models import Notification
from lianfang.core.notices.services import notify
from tests.world import World

pytestmark = pytest.mark.django_db


def _unread(world: World, n: int) -> None:
    for i in range(n):
        notify(users=[world["jiyuan"]], title=f"通知{i}", key=f"test:{i}")


def test_the_bell_partial_answers_the_unread_count(world: World, client: Client) -> None:
    _unread(world, 2)
    client.force_login(world["jiyuan"])
    answer = client.get("/notifications/bell/")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    html = answer.content.decode()
    assert 'data-testid="unread-count">2<' in html and "<html" not in html
    Notification.objects.filter(key="test:0").update(read_at="2022-01-14T08:00:00+08:00")
    assert 'data-testid="unread-count">1<' in client.get("/notifications/bell/").content.decode()


def test_the_bell_shows_no_count_when_everything_is_read(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    assert 'data-testid="unread-count"' not in client.get("/notifications/bell/").content.decode()


def test_a_visitor_who_is_not_signed_in_gets_nothing_to_swap(client: Client) -> None:
    assert client.get("/notifications/bell/").status_code == 204


def test_the_partial_takes_few_queries_however_many_are_unread(
    world: World, client: Client, django_assert_max_num_queries: Any
) -> None:
    _unread(world, 30)
    client.force_login(world["jiyuan"])
    client.get("/notifications/bell/")
    with django_assert_max_num_queries(3):  # session, user, one count
        client.get("/notifications/bell/")


def test_every_page_polls_the_bell_at_the_interval_of_the_setting(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    html = client.get("/cases/mine/").content.decode()
    assert 'hx-get="/notifications/bell/"' in html and 'hx-trigger="every 60s, bell-refresh"' in html
    assert "js/bell.js" in html  # pauses the polling while the tab is hidden
    with override_settings(BELL_POLL_SECONDS=15):
        assert 'hx-trigger="every 15s, bell-refresh"' in client.get("/cases/mine/").content.decode()


def test_the_poll_does_not_renew_the_session_but_a_page_does(world: World, client: Client) -> None:
    client.force_login(world["jiyuan"])
    key = client.session.session_key

    def expires() -> Any:
        return Session.objects.get(session_key=key).expire_date

    client.get("/cases/mine/")
    before = expires()
    client.get("/notifications/bell/")
    assert expires() == before
    client.get("/cases/mine/")
    assert expires() > before
