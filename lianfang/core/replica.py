"""Reads that may come from a PostgreSQL streaming replica: the figures, their drill-down and the
command view, which count many rows and need not see the last second's writes.

With LIANFANG_REPLICA_URL set, settings add the database alias "replica" and ReplicaRouter. A
view marks its reads with `replica_reads` (a decorator and a context manager); inside it, reads
of records go to the replica. Everything else reads from the primary, and so do, even inside:
- who the user is and what they may see (accounts, memberships, sessions, tokens, lockouts): a
  membership ended on one app server must be in force on the next request, wherever it lands;
- the audit log, which the chain's verification reads;
- any read inside a transaction on the primary, which must see what it has written.
Every write goes to the primary, including the save of a row that was read from the replica.
docs/deploy.md says how far behind the replica may be.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

REPLICA = "replica"
# Apps whose rows decide who may see what, or prove what happened: always read fresh.
PRIMARY_ONLY = frozenset(
    {"accounts", "regions", "auth", "sessions", "knox", "axes", "otp_totp", "otp_static", "contenttypes", "audit"}
)

_reading: ContextVar[bool] = ContextVar("lianfang_replica_reads", default=False)
F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def replica_reads_here() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def replica_reads(view: F) -> F:
    """Marks a view (a function, or an API view's method) whose record reads may use the replica."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reads_here():
            return view(*args, **kwargs)

    wrapped.reads_from_replica = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def reads_from(model: type[Model]) -> str:
    """The alias a read of `model` goes to here and now (the router's answer, for tests and logs)."""
    return ReplicaRouter().db_for_read(model)


class ReplicaRouter:
    """Installed by settings only when a replica is configured."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        # Never None: Django would then read a related row from the database its instance came
        # from, and a membership reached from a row read on the replica would be read there too.
        if not _reading.get() or model._meta.app_label in PRIMARY_ONLY:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA
