"""Who is acting, from where: set once per request (or command) and read by audit_record.

The context also holds the refusals recorded inside a transaction and writes them when it ends:
it writes them itself (through rows.py), so it needs nothing from the services that read it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .rows import write_row


@dataclass
class AuditContext:
    ip: str | None = None
    membership_id: int | None = None
    # Denials and failures recorded inside a transaction wait here until it has ended, so that
    # the rollback of the denied request does not take their audit rows with it.
    pending: list[dict[str, Any]] = field(default_factory=list)


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("lianfang_audit", default=None)


def current() -> AuditContext | None:
    return _current.get()


@contextmanager
def audit_context(*, ip: str | None = None, membership_id: int | None = None) -> Iterator[AuditContext]:
    """Run a request or a command with an audit context; pending rows are written on the way out."""
    ctx = AuditContext(ip=ip, membership_id=membership_id)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        try:
            _flush_pending(ctx)
        finally:
            _current.reset(token)


def _flush_pending(ctx: AuditContext) -> None:
    while ctx.pending:
        write_row(ctx.pending.pop(0))
