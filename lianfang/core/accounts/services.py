"""Account writes: users, passwords, the TOTP second factor and recovery codes."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot

from .models import RecoveryCode, RecoveryCodeDevice, User, recovery_code_digest
from .permissions import require_registry_admin

RECOVERY_CODE_COUNT = 10
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread


def _validate_password(password: str, user: User) -> None:
    """Django's password rules, reported against the field they concern."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error


def _revoke_tokens(user: User) -> int:
    """A new password (or a disabled account) ends every API token issued under the old one."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def one_time_password() -> str:
    """A password to hand over once (XXXX-XXXX-XXXX, about 59 bits), in letters nobody misreads."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


def user_create(
    *, actor: Actor, username: str, full_name: str, password: str | None, must_change_password: bool = False
) -> User:
    """Create an account. Without a password the account cannot sign in until one is set; with
    must_change_password the password is a one-time one, which the first sign-in must replace."""
    require_registry_admin(actor, verb="user.create")
    with transaction.atomic():
        user = User(username=username.strip(), full_name=full_name.strip(), must_change_password=must_change_password)
        user.full_clean(exclude=["password"])
        if User.objects.filter(username__iexact=user.username).exists():
            raise ValidationError({"username": _("This user name is taken.")})
        if password:
            _validate_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit_record(actor=actor, verb="user.create", target=user, after=snapshot(user))
    return user


def user_set_password(*, actor: Actor, user: User, password: str) -> None:
    """An administrator resets a password (there is no e-mail or SMS channel)."""
    require_registry_admin(actor, verb="user.set_password")
    _validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        revoked = _revoke_tokens(user)
        audit_record(actor=actor, verb="user.set_password", target=user, detail=f"API tokens revoked: {revoked}")


def password_change_first(*, user: User, password: str) -> None:
    """The first sign-in with a one-time password chooses the account's own password."""
    if not user.must_change_password:
        raise PermissionDenied(_("This account has no one-time password to replace."))
    _validate_password(password, user)
    if user.check_password(password):
        raise ValidationError({"password": [_("Choose a password other than the one-time password.")]})
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        revoked = _revoke_tokens(user)
        audit_record(
            actor=user,
            verb="password.change_first",
            target=user,
            before={"must_change_password": True},
            after={"must_change_password": False},
            detail=f"{revoked} API tokens revoked",
        )


def user_set_active(*, actor: Actor, user: User, active: bool) -> None:
    require_registry_admin(actor, verb="user.set_active")
    with transaction.atomic():
        before = snapshot(user, ["is_active"])
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            _revoke_tokens(user)
        audit_record(
            actor=actor, verb="user.set_active", target=user, before=before, after=snapshot(user, ["is_active"])
        )


def totp_reset(*, actor: Actor, user: User) -> None:
    """Remove a user's authenticator; they enrol a new one at their next sign-in."""
    require_registry_admin(actor, verb="totp.reset")
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        audit_record(actor=actor, verb="totp.reset", target=user, detail=f"devices removed: {removed}")


def second_factor_ask_again(*, actor: Actor, user: User, reason: str) -> None:
    """Every session of the account must pass its second factor again, and its API tokens end
    (an alert on unusual access asks this)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(second_factor_epoch=F("second_factor_epoch") + 1)
        revoked = _revoke_tokens(user)
        audit_record(
            actor=actor, verb="auth.second_factor_again", target=user, detail=f"{reason}; tokens ended: {revoked}"[:500]
        )


def totp_begin_enrolment(*, user: User) -> TOTPDevice:
    """Start (or restart) enrolment: an unconfirmed device whose secret the user scans."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise PermissionDenied(_("An authenticator is already enrolled; an administrator must reset it first."))
        return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def totp_confirm_enrolment(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm an enrolment with a first code; returns a fresh set of recovery codes to show once."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied(_("This enrolment is not yours or is already confirmed."))
    if not device.verify_token(token.strip()):
        audit_record_refusal(actor=user, verb="totp.enrol", target=user, outcome="failed", detail="wrong code")
        raise ValidationError({"token": _("The code is wrong or has expired. Enter the current 6-digit code.")})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, verb="totp.enrol", target=user)
        return _issue_recovery_codes(user=user, actor=user)


def recovery_codes_issue(*, actor: Actor, user: User) -> list[str]:
    """A new set of one-time recovery codes, replacing the old; the plain codes are shown only now."""
    if actor != user:
        require_registry_admin(actor, verb="recovery_codes.issue")
    return _issue_recovery_codes(user=user, actor=actor)


def _issue_recovery_codes(*, user: User, actor: Actor) -> list[str]:
    codes = [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        RecoveryCodeDevice.objects.filter(user=user).delete()
        device = RecoveryCodeDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
        RecoveryCode.objects.bulk_create(RecoveryCode(device=device, digest=recovery_code_digest(c)) for c in codes)
        audit_record(actor=actor, verb="recovery_codes.issue", target=user, detail=f"codes issued: {len(codes)}")
    return codes


def password_reset_with_recovery_code(*, username: str, code: str, password: str) -> User:
    """A user who forgot the password sets a new one with a recovery code (used up by this)."""
    user = User.objects.filter(username=username, is_active=True).first()
    device = RecoveryCodeDevice.objects.filter(user=user).first() if user else None
    # The password rules are checked before the code is spent, and the same way whether or not the
    # user exists, so that this page does not tell which user names exist.
    _validate_password(password, user if user is not None else User(username=username))
    if user is None or device is None or not device.verify_token(code):
        audit_record_refusal(
            actor=None, verb="password.recover", outcome="failed", actor_name=username[:150], detail="bad code"
        )
        raise ValidationError({"code": _("The user name or recovery code is wrong.")})
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False  # the user chose this one
        user.save(update_fields=["password", "must_change_password"])
        revoked = _revoke_tokens(user)
        audit_record(actor=user, verb="password.recover", target=user, detail=f"API tokens revoked: {revoked}")
    return user
