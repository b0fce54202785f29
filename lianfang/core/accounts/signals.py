"""Sign-ins, failed sign-ins and lockouts go to the audit log."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lianfang.core.audit.services import audit_record, audit_record_refusal


@receiver(user_logged_in)
def record_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, verb="auth.login", target=user)


@receiver(user_logged_out)
def record_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, verb="auth.logout", target=user)


@receiver(user_login_failed)
def record_login_failure(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit_record_refusal(
        actor=None, verb="auth.login", outcome="failed", actor_name=str(credentials.get("username", ""))[:150]
    )


@receiver(user_locked_out)
def record_lockout(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kwargs: Any
) -> None:
    audit_record_refusal(
        actor=None,
        verb="auth.lockout",
        outcome="denied",
        actor_name=(username or "")[:150],
        detail=f"locked out from {ip_address}",
    )
