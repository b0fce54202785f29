"""Who acts in a service: a signed-in user, or the system (a command, a job: SystemActor).

Timelines show the actor's name; rows point at the account only when there is one."""

from __future__ import annotations

from typing import Any


def acting_user(actor: Any) -> Any | None:
    """The account behind an actor, or None for the system (and for an anonymous visitor)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def shown_name(actor: Any) -> str:
    """The name a timeline shows: the account's full name (else its username), or the system's."""
    user = acting_user(actor)
    if user is None:
        return str(getattr(actor, "audit_name", ""))[:150]
    return str(getattr(user, "full_name", "") or user.get_username())[:150]
