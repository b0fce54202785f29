"""Steps a signed-in session must take before anything else: the second factor, then replacing a
one-time password. Each step lets through only the paths needed to take it."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import needs_second_factor

SESSION_SECOND_FACTOR_EPOCH = "lianfang_second_factor_epoch"


def second_factor_passed(request: HttpRequest) -> None:
    """Remember in the session that it passed the second factor as the account stands now."""
    request.session[SESSION_SECOND_FACTOR_EPOCH] = getattr(request.user, "second_factor_epoch", 0)


def second_factor_current(request: HttpRequest) -> bool:
    """Whether the session passed its second factor (is_verified: added by OTPMiddleware), and
    since the account was last asked to pass it again (second_factor_epoch, bumped by alerts)."""
    user: Any = request.user
    passed_with = request.session.get(SESSION_SECOND_FACTOR_EPOCH, 0)
    return bool(user.is_verified()) and passed_with == getattr(user, "second_factor_epoch", 0)


class _SignInStep:
    """A step a session must take first: pages redirect to it (coming back afterwards), the API
    answers 403 in its error shape."""

    # Paths a session may reach before taking the step.
    open_prefixes: tuple[str, ...] = ()
    page = ""  # the step's URL name

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def pending(self, request: HttpRequest) -> bool:
        """Whether this session must still take the step before reaching the request's path."""
        raise NotImplementedError

    def message(self) -> str:
        raise NotImplementedError

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(self.open_prefixes) and self.pending(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"message": self.message(), "fields": {}}, status=403)
            return redirect(f"{reverse(self.page)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class SecondFactorMiddleware(_SignInStep):
    """Administrators and auditors must pass TOTP before anything else in a session."""

    open_prefixes = ("/static/", "/i18n/", "/accounts/")
    page = "accounts:otp"

    def pending(self, request: HttpRequest) -> bool:
        return needs_second_factor(request.user) and not second_factor_current(request)

    def message(self) -> str:
        return _("This account must pass its second factor first.")


class PasswordChangeMiddleware(_SignInStep):
    """An account given a one-time password must choose its own before anything else, pages and
    API alike (API tokens are refused to it too: see auth.TokenAuthentication)."""

    # Signing in and out, and this step's page.
    open_prefixes = ("/static/", "/i18n/", "/accounts/login/", "/accounts/logout/", "/accounts/password/first/")
    page = "accounts:password-first"

    def pending(self, request: HttpRequest) -> bool:
        user: Any = request.user
        path = request.path
        if not getattr(user, "must_change_password", False):
            return False
        # Roles that need a second factor pass it (enrolling at first) before this step. Nobody else
        # may reach the second-factor pages on a one-time password: enrolling hands out recovery
        # codes, which would let whoever saw the password take the account back after its owner
        # changed it.
        return not (needs_second_factor(user) and path.startswith("/accounts/otp/"))

    def message(self) -> str:
        return must_change_message()


def must_change_message() -> str:
    return _("This account must replace its one-time password first: sign in on the web and choose a password.")
