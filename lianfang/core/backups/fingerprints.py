"""Every table's row count and a checksum of its rows, read over a connection of its own: the same
figures for the database a backup was taken from (in the dump's snapshot) and for the database it
was restored into, so that the two can be compared table by table.

A checksum is the md5 of the sorted md5s of the rows' text, so it does not depend on the order the
rows come back in. It is comparable only between databases of the same engine.
"""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any

Fingerprints = dict[str, tuple[int, str]]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def postgresql_fingerprints(cursor: Any) -> Fingerprints:
    """`cursor` is a psycopg cursor, inside the transaction whose snapshot is to be described."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    out: Fingerprints = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) "  # noqa: S608
            f"FROM {_quoted(table)} t"
        )
        count, digest = cursor.fetchone()
        out[table] = (int(count), str(digest))
    return out


def sqlite_fingerprints(connection: sqlite3.Connection) -> Fingerprints:
    names = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    out: Fingerprints = {}
    for (table,) in names:
        rows = sorted(
            hashlib.md5(repr(row).encode(), usedforsecurity=False).hexdigest()
            for row in connection.execute(f"SELECT * FROM {_quoted(table)}")  # noqa: S608
        )
        out[table] = (len(rows), hashlib.md5("".join(rows).encode(), usedforsecurity=False).hexdigest())
    return out
