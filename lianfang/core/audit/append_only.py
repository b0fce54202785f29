"""The append-only guard of the audit tables on SQLite: triggers that refuse UPDATE and DELETE.

PostgreSQL has its own trigger (migration 0002), which the table owner alone can disable.
SQLite has no roles: anyone who can write the file can drop these triggers, so they stop the
application and casual edits, and the hash chain with its checkpoint file catches the rest.
Migration 0007 creates them; a table rebuilt by a later SQLite migration loses them, which
tests/core/test_audit.py would notice. Frozen: migration 0007 reads these statements.
"""

from __future__ import annotations

from typing import Any

TABLES = ("audit_auditevent", "audit_auditseal")
OPERATIONS = ("UPDATE", "DELETE")


def _name(table: str, operation: str) -> str:
    return f"{table}_no_{operation.lower()}"


def sqlite_triggers_create(cursor: Any) -> None:
    for table in TABLES:
        for operation in OPERATIONS:
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {_name(table, operation)} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'audit rows are append-only ({operation} on {table})'); END"
            )


def sqlite_triggers_drop(cursor: Any) -> None:
    for table in TABLES:
        for operation in OPERATIONS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {_name(table, operation)}")
