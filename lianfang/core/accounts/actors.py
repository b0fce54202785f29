"""Who acts in a service: a user (signed in, or the anonymous visitor a page may be reached by),
or the system (a command, a job: SystemActor). Services take an `Actor`.

Timelines show the actor's name; rows point at the account only when there is one."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:
    from .models import User


class SystemActor:
    """The operator at the console (a `lianfang` command or a job): no user row stands behind it."""

    is_authenticated = False
    is_active = True
    is_superuser = False
    is_staff = False
    pk = None

    def __init__(self, name: str) -> None:
        self.audit_name = f"system:{name}"

    def __str__(self) -> str:
        return self.audit_name


# What every service is given as its actor: request.user (a user, or anonymous before sign-in
# where a page allows it) or the console's SystemActor.
Actor: TypeAlias = "User | AnonymousUser | SystemActor"


def acting_user(actor: Actor | None) -> User | None:
    """The account behind an actor, or None for the system (and for an anonymous visitor)."""
    from .models import User  # the models import this module's SystemActor's users

    return actor if isinstance(actor, User) and actor.is_authenticated else None


def shown_name(actor: Actor | None) -> str:
    """The name a timeline shows: the account's full name (else its username), or the system's."""
    user = acting_user(actor)
    if user is None:
        return str(getattr(actor, "audit_name", ""))[:150]
    return str(getattr(user, "full_name", "") or user.get_username())[:150]
