"""Many new rows into one table with one prepared statement: the bulk write of a ledger import.

Django's bulk_create runs every value through its field's whole conversion chain and, on SQLite,
sends at most 999 parameters per statement; for a 100,000-row people ledger that costs several
times more than validating and encrypting the rows. Here each column's conversion is decided
once, plain values (text, integers, foreign keys) go through untouched, and the database gets
one prepared INSERT stepped over all rows (SQLite) or a COPY (PostgreSQL).

Rows are inserted as given: the caller has validated them through the services, and writes
their audit rows in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.utils import timezone

from lianfang.core.prepared import is_stamped, passes_as_is


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT rows given as {attname: value} (a model instance's __dict__ will do).

    A missing column gets the field's default. An auto_now/auto_now_add column that is None gets
    the time now, which is also written back into the row, as Model.save() sets it on the
    instance. Primary keys are not returned: look the rows up by a unique column afterwards.
    """
    if not rows:
        return
    db = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {f.attname: now if is_stamped(f) else f.get_default() for f in fields}
    take = operator.itemgetter(*(f.attname for f in fields))
    special = [(i, _Conversion(f, db, now)) for i, f in enumerate(fields) if not passes_as_is(f)]
    params = []
    for row in rows:
        values = list(take({**defaults, **row}))
        for i, conversion in special:
            values[i] = conversion(values[i], row)
        params.append(values)
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # COPY, in the same transaction: a multi-row INSERT costs PostgreSQL five times more.
            _copy(cursor, f"COPY {table} ({names}) FROM STDIN", params)
            return
        # SQLite runs in-process: one prepared statement stepped over every row is the cheapest.
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", params)  # noqa: S608 (names from the model)


def _copy(cursor: CursorWrapper, sql: str, rows: list[list[Any]]) -> None:
    """COPY `rows` in as cursor.executemany() runs a statement: refused in a transaction marked
    for rollback, the driver's errors raised as Django's, seen by the execute wrappers and by
    whatever counts queries. Django's cursor has no COPY of its own: only the writing itself
    goes to the driver's cursor behind it."""
    db = cursor.db

    def copy_in(sql: str, rows: list[list[Any]], many: bool, context: dict[str, Any]) -> None:
        db.validate_no_broken_transaction()
        with db.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for values in rows:
                copy.write_row(values)

    executor: Callable[..., None] = copy_in
    for wrapper in reversed(db.execute_wrappers):
        executor = functools.partial(wrapper, executor)
    logged = cursor.debug_sql(sql, rows, many=True) if isinstance(cursor, CursorDebugWrapper) else nullcontext()
    with logged:
        executor(sql, rows, True, {"connection": db, "cursor": cursor})


class _Conversion:
    """One column's value made ready for the database (a timestamp, a date, JSON)."""

    def __init__(self, field: models.Field[Any, Any], db: BaseDatabaseWrapper, now: dt.datetime) -> None:
        self.field = field
        self.db = db
        self.attname = field.attname
        self.stamped = is_stamped(field)
        self.now = now
        # Rows of one batch mostly share a timestamp; converting it once per batch, not per row,
        # is a good part of what makes this faster than bulk_create.
        self.last: tuple[Any, Any] = (object(), None)

    def __call__(self, value: Any, row: dict[str, Any]) -> Any:
        if self.stamped and value is None:
            value = row[self.attname] = self.now
        if value is None:
            return None
        if value is self.last[0]:
            return self.last[1]
        converted = self.field.get_db_prep_save(value, self.db)
        self.last = (value, converted)
        return converted
