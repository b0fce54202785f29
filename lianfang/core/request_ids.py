"""Every request gets an id: in the log lines written while it is answered, in the X-Request-ID
answer header, and on the error page, so that a user can quote it and an operator can find it.

Behind a proxy (LIANFANG_PROXY_COUNT > 0) the proxy's X-Request-ID is kept, so that nginx's
access log and ours name the same request; otherwise, or when the header is not a plain token,
a new id is made here.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_TOKEN = re.compile(r"[A-Za-z0-9._-]{1,64}")
_current: ContextVar[str] = ContextVar("lianfang_request_id", default="-")


def current_request_id() -> str:
    """The id of the request being answered ("-" outside a request)."""
    return _current.get()


def request_id_for(request: HttpRequest) -> str:
    given = request.headers.get(HEADER, "")
    if settings.PROXY_COUNT > 0 and _TOKEN.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            return response
        finally:
            _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every log record, as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
