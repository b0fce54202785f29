"""Django's last-resort answers (400, 404, 500), in the API's error shape under /api/ and as
pages elsewhere. The 500 names the request's id, which is also in the log line of the error.

A body over DATA_UPLOAD_MAX_MEMORY_SIZE reaches Django as RequestDataTooBig, which Django answers
as a 400; it is a 413 here, with its own message.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
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


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the site's context (the database may be what failed)."""
    request_id = current_request_id()
    if _is_api(request):
        message = _("Server error. Quote this number when you report it: %(id)s") % {"id": request_id}
        return json_answer({"message": message, "fields": {}, "request_id": request_id}, 500)
    return HttpResponse(loader.render_to_string("500.html", {"request_id": request_id}), status=500)
