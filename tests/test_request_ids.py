"""Every answer carries a request id; a server error is logged with it and shows it to the user."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from lianfang.core.request_ids import RequestIdFilter

pytestmark = pytest.mark.django_db


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def request_errors() -> Iterator[_Records]:
    handler = _Records()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_server_errors_are_logged_to_stderr_with_the_request_id(settings: Any) -> None:
    assert settings.LOGGING["handlers"]["stderr"]["stream"] == "ext://sys.stderr"
    logger = logging.getLogger("django.request")
    [handler] = logger.handlers
    assert isinstance(handler, logging.StreamHandler)
    assert logger.level == logging.ERROR and not logger.propagate
    assert any(isinstance(f, RequestIdFilter) for f in handler.filters)
    assert "%(request_id)s" in str(handler.formatter._fmt)  # type: ignore[union-attr]


@pytest.mark.urls("tests.errors_urls")
def test_a_page_that_fails_logs_the_error_and_shows_the_same_id(request_errors: _Records, settings: Any) -> None:
    settings.DEBUG = False
    answer = Client(raise_request_exception=False).get("/fails/")
    assert answer.status_code == 500
    request_id = answer["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert request_id in answer.content.decode()
    [record] = request_errors.records
    assert record.request_id == request_id  # type: ignore[attr-defined]
    assert record.exc_info is not None and "a bug" in str(record.exc_info[1])


@pytest.mark.urls("tests.errors_urls")
def test_an_endpoint_that_fails_answers_in_the_error_shape_with_the_id(request_errors: _Records) -> None:
    answer = Client(raise_request_exception=False).get("/api/v1/fails/")
    assert answer.status_code == 500 and answer["Content-Type"] == "application/json"
    assert answer.json()["request_id"] == answer["X-Request-ID"]
    assert answer["X-Request-ID"] in answer.json()["message"]


@pytest.mark.urls("tests.errors_urls")
def test_a_database_out_of_reach_is_a_503_in_chinese_that_asks_to_send_again(request_errors: _Records) -> None:
    page = Client(raise_request_exception=False).get("/database-away/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    text = page.content.decode()
    assert "请稍后再提交一次" in text and page["X-Request-ID"] in text
    assert "Connection refused" not in text and "Traceback" not in text
    api = Client(raise_request_exception=False).get("/api/v1/database-away/")
    assert api.status_code == 503 and api["Content-Type"] == "application/json"
    assert api.json()["message"] == "系统暂时无法访问，本次提交没有保存。请稍后再提交一次。"
    assert api.json()["request_id"] == api["X-Request-ID"]
    # The operator still finds it in the log, under the same id.
    assert [r.request_id for r in request_errors.records] == [page["X-Request-ID"], api["X-Request-ID"]]  # type: ignore[attr-defined]


@pytest.mark.urls("tests.errors_urls")
def test_a_database_error_of_another_kind_stays_a_500_to_look_into(request_errors: _Records) -> None:
    answer = Client(raise_request_exception=False).get("/deadlock/")
    assert answer.status_code == 500 and "Retry-After" not in answer


def test_the_proxys_request_id_is_kept_behind_a_proxy(settings: Any) -> None:
    settings.PROXY_COUNT = 1
    answer = Client().get("/accounts/login/", HTTP_X_REQUEST_ID="nginx-4f2a9c")
    assert answer["X-Request-ID"] == "nginx-4f2a9c"


def test_a_request_id_sent_without_a_proxy_or_not_a_plain_token_is_replaced(settings: Any) -> None:
    assert Client().get("/accounts/login/", HTTP_X_REQUEST_ID="client-chosen")["X-Request-ID"] != "client-chosen"
    settings.PROXY_COUNT = 1
    answer = Client().get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\nwith spaces")
    assert re.fullmatch(r"[0-9a-f]{32}", answer["X-Request-ID"])
