from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import needs_second_factor

# Paths a signed-in user may reach before passing the second factor.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/")


class SecondFactorMiddleware:
    """Administrators and auditors must pass TOTP before anything else in a session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and needs_second_factor(user)
            and not user.is_verified()  # type: ignore[attr-defined]  # added by OTPMiddleware
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"message": _("This account must pass its second factor first."), "fields": {}}, status=403
                )
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
