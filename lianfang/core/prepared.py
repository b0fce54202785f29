"""One new row through SQL built once per model: the insert of the hot write paths.

Model.save() compiles its INSERT anew on every call, which costs more than running it; a person
registered through the API writes three rows (the person, the registration link, the audit
row), so the compiling showed up as the larger part of the request (bench/people_create.py).
Here the statement is built once per model and database from the model's own fields, and each
value passes through the same field methods that save() uses (pre_save for timestamps,
get_db_prep_save for dates, JSON and addresses).

`conflict` names a unique column (or the columns of one unique constraint): a row that would
duplicate it is not written (ON CONFLICT DO
NOTHING, on SQLite and PostgreSQL alike; a partial unique index is named by its condition), and
the caller is told, without an error that would spoil the transaction. Model signals are sent as
save() sends them. `row()` writes a row from its values without building an instance at all (the
audit log's rows), unless something listens to the model's saves.

Every statement runs through Django's cursor (`connection.cursor()`), watched or not: it refuses
to write in a transaction already marked for rollback (TransactionManagementError, as the ORM
does), translates the driver's errors into Django's, and shows the statement to whatever counts
queries. What is saved is the compiling, not the cursor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import signals
from django.db.models.sql.query import Query
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

# Field types whose Python values the database drivers take as they are.
PLAIN_FIELD_TYPES = frozenset(
    {
        "CharField",
        "TextField",
        "SlugField",
        "EmailField",
        "BooleanField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "ForeignKey",
        "OneToOneField",
    }
)


def fetch(db: BaseDatabaseWrapper, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run `sql` (with %s placeholders) through `db`'s cursor, in its current transaction, and
    return all its rows."""
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def is_stamped(field: models.Field[Any, Any]) -> bool:
    """Whether the field takes the time of the write (auto_now or auto_now_add)."""
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def passes_as_is(field: models.Field[Any, Any]) -> bool:
    """Whether a value of the field goes to the driver untouched: no time to set and nothing to
    convert (text, integers, booleans, foreign keys). The rest goes through get_db_prep_save."""
    return not is_stamped(field) and field.get_internal_type() in PLAIN_FIELD_TYPES


# How a column's value is taken from the instance.
_AS_IS, _PREPARED, _STAMPED = 0, 1, 2


def _partial_index_condition(model: type[models.Model], db: BaseDatabaseWrapper, field_names: tuple[str, ...]) -> str:
    """The WHERE clause of the model's partial unique constraint on these fields, which ON
    CONFLICT must repeat to name that index; nothing where they are unique outright."""
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and tuple(constraint.fields) == field_names
            and constraint.condition is not None
        ):
            query = Query(model, alias_cols=False)
            where = query.build_where(constraint.condition)
            sql, params = where.as_sql(query.get_compiler(connection=db), db)
            if params:
                raise ValueError(f"{constraint.name}: a condition with parameters cannot name the index")
            return f" WHERE {sql}"
    return ""


class _Statement:
    def __init__(self, model: type[models.Model], db: BaseDatabaseWrapper, conflict: tuple[str, ...] | None) -> None:
        quote = db.ops.quote_name
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        # Plain values go to the driver as they are; the rest through the field's own preparation.
        self.columns = [
            (f.attname, f, _STAMPED if is_stamped(f) else _AS_IS if passes_as_is(f) else _PREPARED) for f in fields
        ]
        self.attnames = frozenset(f.attname for f in fields)
        self.returning = db.features.can_return_columns_from_insert
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608 (names from the model)
            f" VALUES ({', '.join(['%s'] * len(fields))})"
        )
        if conflict is not None:
            columns = ", ".join(quote(next(f.column for f in fields if f.name == name)) for name in conflict)
            sql += f" ON CONFLICT ({columns}){_partial_index_condition(model, db, conflict)} DO NOTHING"
        if self.returning:
            sql += f" RETURNING {quote(meta.pk.column)}"
        self.sql = sql
        self.table, self.pk_column = meta.db_table, meta.pk.column

    def run(self, db: BaseDatabaseWrapper, values: list[Any]) -> Any:
        """Run the INSERT through `db`'s cursor; the new row's primary key, or None where the
        conflict column kept the row out."""
        with db.cursor() as cursor:
            cursor.execute(self.sql, values)
            if self.returning:
                returned = cursor.fetchone()
                return returned[0] if returned else None
            return db.ops.last_insert_id(cursor, self.table, self.pk_column) if cursor.rowcount else None

    def values(self, instance: models.Model, db: BaseDatabaseWrapper) -> list[Any]:
        known = instance.__dict__  # a new instance holds every column; deferred ones are fetched
        values: list[Any] = []
        for attname, field, how in self.columns:
            if how == _STAMPED:
                value = field.pre_save(instance, True)  # sets the time on the instance, as save() does
            else:
                value = known[attname] if attname in known else getattr(instance, attname)
            if how != _AS_IS and value is not None:
                value = field.get_db_prep_save(value, db)
            values.append(value)
        return values

    def row_values(self, row: Mapping[str, Any], db: BaseDatabaseWrapper) -> list[Any]:
        if not self.attnames.issuperset(row):
            unknown = ", ".join(sorted(set(row) - self.attnames))
            raise TypeError(f"not a column of the table: {unknown}")
        values: list[Any] = []
        for attname, field, how in self.columns:
            if attname in row:
                value = row[attname]
            elif how == _STAMPED:
                value = timezone.now()
            else:
                value = field.get_default()
            if how != _AS_IS and value is not None:
                value = field.get_db_prep_save(value, db)
            values.append(value)
        return values


class PreparedInsert(Generic[M]):
    """Insert a new instance of `model`, as instance.save() would, or nothing on a `conflict`."""

    def __init__(self, model: type[M], *, conflict: str | tuple[str, ...] | None = None) -> None:
        self.model = model
        self.conflict = (conflict,) if isinstance(conflict, str) else conflict
        self._statements: dict[str, _Statement] = {}

    def _statement(self, alias: str) -> _Statement:
        statement = self._statements.get(alias)
        if statement is None:
            statement = self._statements[alias] = _Statement(self.model, connections[alias], self.conflict)
        return statement

    def __call__(self, instance: M) -> bool:
        """Write `instance` (its primary key is set); False if a row with its `conflict` value exists."""
        model = self.model
        alias = router.db_for_write(model, instance=instance)
        db = connections[alias]
        statement = self._statement(alias)
        # As save() does: send() returns at once, from a per-model cache, when nothing listens.
        signals.pre_save.send(sender=model, instance=instance, raw=False, using=alias, update_fields=None)
        pk = statement.run(db, statement.values(instance, db))
        if pk is None:
            return False
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = alias
        signals.post_save.send(
            sender=model, instance=instance, created=True, update_fields=None, raw=False, using=alias
        )
        return True

    def row(self, row: Mapping[str, Any]) -> None:
        """Write one new row from its column values by attribute name (`actor_id`, not `actor`),
        the rest taking their fields' defaults, without building an instance: for rows that
        nobody reads back at once, such as the audit log. A model whose saves something listens
        to gets an instance and its signals all the same."""
        model = self.model
        if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
            self(model(**row))
            return
        alias = router.db_for_write(model)
        db = connections[alias]
        statement = self._statement(alias)
        statement.run(db, statement.row_values(row, db))
