"""Django's last-resort answers (400, 404, 500), in the API's error shape under /api/ and as
pages elsewhere. The 500 names the request's id, which is also in the log line of the error.

A body over DATA_UPLOAD_MAX_MEMORY_SIZE reaches Django as RequestDataTooBig, which Django answers
as a 400; it is a 413 here, with its own message.

When the database cannot be reached (it is restarting, or a failover is under way) the answer is a
503 with Retry-After, not a 500: nothing was written, and the same request can simply be sent again.
The connection is checked again at the next request (CONN_HEALTH_CHECKS), so the app servers
recover by themselves once the database is back.
"""

from __future__ import annotations

import sys

import psycopg
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

from lianfang.core.api.answers import json_answer
from lianfang.core.request_ids import current_request_id


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        status, message = 413, _("The request body is too large.")
    else:
        status, message = 400, _("The request could not be understood.")
    if _is_api(request):
        return json_answer({"message": message, "fields": {}}, status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return json_answer({"message": _("Not found, or outside your jurisdiction."), "fields": {}}, 404)
    return HttpResponse(loader.render_to_string("404.html", request=request), status=404)


RETRY_AFTER_SECONDS = 5


# SQLSTATEs of a server that is away: connection exceptions (08…), shutting down or starting up
# (57P01–57P03), too many connections. Deadlocks, timeouts, a full disk and the like stay 500s: they
# are faults to look into, and their transaction's outcome is not "nothing was saved".
_AWAY = ("08", "57P01", "57P02", "57P03", "53300")


def _database_unavailable() -> bool:
    error = sys.exc_info()[1]
    if isinstance(error, InterfaceError):
        return True  # "connection already closed"
    if not isinstance(error, OperationalError) or not isinstance(error.__cause__, psycopg.OperationalError):
        return False
    state = error.__cause__.sqlstate
    return state is None or state.startswith(_AWAY)  # None: the connection itself failed


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the site's context (the database may be what failed). Django calls it while
    handling the exception, which tells a database that cannot be reached from a fault of ours."""
    request_id = current_request_id()
    if _database_unavailable():
        return service_unavailable(request, request_id)
    if _is_api(request):
        message = _("Server error. Quote this number when you report it: %(id)s") % {"id": request_id}
        return json_answer({"message": message, "fields": {}, "request_id": request_id}, 500)
    return HttpResponse(loader.render_to_string("500.html", {"request_id": request_id}), status=500)


def service_unavailable(request: HttpRequest, request_id: str) -> HttpResponse:
    message = _("The system is briefly unavailable. Nothing was saved; send it again in a moment.")
    if _is_api(request):
        answer = json_answer({"message": message, "fields": {}, "request_id": request_id}, 503)
    else:
        context = {"unavailable": True, "message": message, "request_id": request_id}
        page = loader.render_to_string("500.html", context)
        answer = HttpResponse(page, status=503)
    answer["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return answer
