import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .context import audit_context


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind N trusted proxies the X-Forwarded-For entry that
    the outermost of them appended (entries further left are the client's to forge).

    django-axes uses this too (AXES_CLIENT_IP_CALLABLE), so lockout and audit agree.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if proxies <= 0 or len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


class AuditContextMiddleware:
    """Gives every request an audit context; denials recorded during it are written at its end."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(ip=client_ip(request)):
            return self.get_response(request)
