"""Refuse query strings carrying NUL characters, before any view reads them.

PostgreSQL text cannot hold NUL, so a search term with one (`?q=%00`) would fail in the database
as a server error; no user types one. Pages are checked here, in a middleware; the API checks the
same after authentication (lianfang.core.api.permissions.QueryWithoutNul), so that a caller who
may not use it at all hears that first. Request bodies are covered by the form and serializer
character fields, which refuse NUL themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


def query_has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.META.get("QUERY_STRING", ""):
        return True
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists())


def nul_message() -> str:
    return _("The address contains a character that is not allowed.")


class NullByteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and query_has_nul(request):
            return HttpResponse(nul_message(), status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
