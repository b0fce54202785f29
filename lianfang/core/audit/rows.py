"""One audit row written from its values: the statement that every write of the system shares.

Below both the audit context (which writes the refusals it held back) and the services (which
write every other row), so that neither has to import the other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lianfang.core.prepared import PreparedInsert

from .models import AuditEvent

# Every write of the application writes an audit row too: built once, not compiled per row.
insert_event = PreparedInsert(AuditEvent)


# Called with each row's values once it is inserted (core/notices/alerts.py watches for unusual access).
_after_write: list[Callable[[dict[str, Any]], None]] = []


def on_row_written(hook: Callable[[dict[str, Any]], None]) -> None:
    if hook not in _after_write:
        _after_write.append(hook)


def write_row(fields: dict[str, Any]) -> None:
    """Insert one audit row in the current transaction (or at once, outside one)."""
    insert_event.row(fields)
    for hook in _after_write:
        hook(fields)
