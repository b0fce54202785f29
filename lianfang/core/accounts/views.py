"""Sign-in, the second factor, the first password after a one-time one, recovery, and the home page."""

from __future__ import annotations

import io
from typing import Any, cast
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianfang.core.audit.services import audit_record, audit_record_refusal
from lianfang.core.navigation import Viewer, menus_for
from lianfang.core.regions.selectors import default_region, membership_summaries

from . import services
from .forms import LoginForm, NewPasswordForm, RecoverForm, TokenForm
from .middleware import second_factor_current, second_factor_passed
from .models import RecoveryCodeDevice, User
from .permissions import is_registry_admin, needs_second_factor


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if needs_second_factor(self.request.user):
            return f"{reverse('accounts:otp')}?{urlencode({'next': url})}"
        return url


class LogoutView(auth_views.LogoutView):
    next_page = "accounts:login"


def _new_session_key(request: HttpRequest) -> None:
    """A session that gained a second factor gets a new key and CSRF token (no fixation)."""
    request.session.cycle_key()
    rotate_token(request)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@login_required
@sensitive_post_parameters("token")
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second factor: a TOTP code or a one-time recovery code."""
    user = cast(User, request.user)  # login_required
    if second_factor_current(request):
        return redirect(_safe_next(request))
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{reverse('accounts:otp-enrol')}?{urlencode({'next': _safe_next(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        devices: list[Any] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        devices += list(RecoveryCodeDevice.objects.filter(user=user, confirmed=True))
        for device in devices:
            if device.verify_token(token):
                otp_login(request, device)
                _new_session_key(request)
                second_factor_passed(request)
                audit_record(actor=user, verb="auth.second_factor", target=user, detail=type(device).__name__)
                if isinstance(device, RecoveryCodeDevice):
                    messages.warning(request, _("You used a recovery code; %(n)d remain.") % {"n": device.remaining()})
                return redirect(_safe_next(request))
        audit_record_refusal(actor=user, verb="auth.second_factor", target=user, outcome="failed", detail="wrong code")
        form.add_error("token", _("The code is wrong or has expired."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
@sensitive_post_parameters("token")
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of a role that needs TOTP: scan the secret, confirm with a first code."""
    user = cast(User, request.user)  # login_required
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': _safe_next(request)})}")
    form = TokenForm(request.POST or None)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = services.totp_confirm_enrolment(user=user, device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error.message_dict.get("token", [_("The code is wrong.")])[0])
        else:
            otp_login(request, device)
            _new_session_key(request)
            second_factor_passed(request)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _safe_next(request)})
    if device is None:
        device = services.totp_begin_enrolment(user=user)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "accounts/otp_enrol.html",
        {"form": form, "qr_svg": buffer.getvalue().decode(), "secret": secret, "next": _safe_next(request)},
    )


@login_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    """A signed-in user replaces their recovery codes (after passing the second factor if required)."""
    user = cast(User, request.user)  # login_required
    # Passed, and since any alert asked the account to pass again: new codes would pass it otherwise.
    if needs_second_factor(user) and not second_factor_current(request):
        return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.path})}")
    if request.method != "POST":
        return render(request, "accounts/recovery_codes_confirm.html")
    # New codes can reset the password, so a borrowed session alone must not be enough to get them.
    if authenticate(request, username=user.get_username(), password=request.POST.get("password", "")) is None:
        error = _("The password is wrong.")
        return render(request, "accounts/recovery_codes_confirm.html", {"error": error}, status=400)
    codes = services.recovery_codes_issue(actor=user, user=user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/"})


@sensitive_post_parameters("code", "password1", "password2")
def recover(request: HttpRequest) -> HttpResponse:
    """Forgotten password: a recovery code sets a new one (there is no e-mail or SMS)."""
    form = RecoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_with_recovery_code(
                username=form.cleaned_data["username"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error({"password": "password1", "code": "code"}.get(field, "code"), errors)
        else:
            messages.success(request, _("Your password was changed. Sign in with it now."))
            return redirect("accounts:login")
    return render(request, "accounts/recover.html", {"form": form})


@login_required
@sensitive_post_parameters("password1", "password2")
def password_first(request: HttpRequest) -> HttpResponse:
    """First sign-in with a one-time password: the account chooses its own before anything else."""
    user = cast(User, request.user)  # login_required
    if not user.must_change_password:
        return redirect(_safe_next(request))
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change_first(user=user, password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error("password1", error.message_dict.get("password", error.messages))
        else:
            # The session was signed with the old password's hash: keep it valid under the new one.
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect(_safe_next(request))
    return render(request, "accounts/password_first.html", {"form": form, "next": _safe_next(request)})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where the user serves, and where to go: the pages of their menus."""
    menus = menus_for(request.user)
    offered = {link.key for menu in menus for link in menu.links}
    viewer = Viewer(request.user)
    context = {
        "memberships": membership_summaries(request.user),
        "menus": menus,
        "region": default_region(request.user) if "command.figures" in offered else None,
        # The API is for the offices' own systems and the phones' apps: its documentation is shown to
        # staff and administrators.
        "api_docs": viewer.staff or is_registry_admin(request.user),
    }
    return render(request, "home.html", context)


def denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 page; the refusal is in the audit log."""
    audit_record_refusal(actor=request.user, verb="page.denied", detail=request.path[:500])
    return render(request, "403.html", {"message": str(exception or "")}, status=403)
