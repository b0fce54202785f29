"""One audit row written from its values: the statement that every write of the system shares.

Below both the audit context (which writes the refusals it held back) and the services (which
write every other row), so that neither has to import the other.
"""

from __future__ import annotations

from typing import Any

from lianfang.core.prepared import PreparedInsert

from .models import AuditEvent

# Every write of the application writes an audit row too: built once, not compiled per row.
insert_event = PreparedInsert(AuditEvent)


def write_row(fields: dict[str, Any]) -> None:
    """Insert one audit row in the current transaction (or at once, outside one)."""
    insert_event.row(fields)
