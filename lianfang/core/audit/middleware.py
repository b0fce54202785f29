from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import audit_context


def client_ip(request: HttpRequest) -> str | None:
    """The client address, read the same way as django-axes reads it (proxy-aware when configured)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


class AuditContextMiddleware:
    """Gives every request an audit context; denials recorded during it are written at its end."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(ip=client_ip(request)):
            return self.get_response(request)
