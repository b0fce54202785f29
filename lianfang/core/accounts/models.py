"""Users and their one-time recovery codes."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp devices relate abstractly
    """A person who signs in. What they may see comes from their memberships, not from this row."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    # Bumped whenever the user's memberships change, so that cached scopes expire at once.
    scope_version = models.PositiveIntegerField(default=0, editable=False)
    # Set with a one-time password (`lianfang createuser` without a terminal): the first sign-in
    # must choose a password before anything else (PasswordChangeMiddleware).
    # Bumped to make every session of the account pass its second factor again (an alert on
    # unusual access does); a session remembers the value it passed with (middleware.py).
    second_factor_epoch = models.PositiveIntegerField(default=0, editable=False)
    must_change_password = models.BooleanField(
        _("must change the password"),
        default=False,
        help_text=_("The account signs in with a one-time password and must choose its own first."),
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    scope_fields = {"assignee": ""}


MAX_THROTTLE_SECONDS = 15 * 60


def recovery_code_digest(code: str) -> str:
    """Codes are stored as keyed digests: a database dump does not reveal a usable code."""
    normalised = code.replace("-", "").replace(" ", "").upper()
    return hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """A django-otp device whose tokens are the user's one-time recovery codes.

    A code passes the second factor once, or lets a user who forgot the password set a new one.
    """

    class Meta:
        verbose_name = _("recovery code set")
        verbose_name_plural = _("recovery code sets")

    def get_throttle_factor(self) -> int:
        return 1

    def verify_is_allowed(self) -> tuple[bool, dict[str, Any] | None]:
        # django-otp doubles the wait after each wrong code without limit; anyone could then keep a
        # user's codes locked for ever. After 15 minutes a try is allowed again (31^10 codes make
        # guessing hopeless at that pace anyway).
        allowed, data = super().verify_is_allowed()
        if not allowed and self.throttling_failure_timestamp is not None:
            waited = (timezone.now() - self.throttling_failure_timestamp).total_seconds()
            if waited >= MAX_THROTTLE_SECONDS:
                return True, None
        return allowed, data

    def verify_token(self, token: object) -> bool:
        verify_allowed, _ = self.verify_is_allowed()
        if not verify_allowed or not isinstance(token, str):
            return False
        digest = recovery_code_digest(token)
        used = self.codes.filter(digest=digest, used_at__isnull=True).update(used_at=timezone.now())
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_unique")]

    def __str__(self) -> str:
        return f"{self.device.user} #{self.pk}"
