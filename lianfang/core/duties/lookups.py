"""The one read of a submission's common path, as SQL built once per database from the models'
own tables and columns (the ORM would compile the same statement anew on every request, which
costs more than running it; see bench/checkin_submit.py).

It reads the roster row with its region, whether the subject is exempt on the day asked, and the
submission a client id already wrote, if any. Whether the submitter may see the row is then
decided on the row's values in hand by the scoping layer's own rule (Scope.admits), exactly as a
scoped query would decide it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from lianfang.core.prepared import fetch
from lianfang.core.regions.models import Region

from .models import DutyExemption, DutySubject, Submission

_SUBJECT_FIELDS = [f for f in DutySubject._meta.concrete_fields]
_REGION_FIELDS = [f for f in Region._meta.concrete_fields]
_STATEMENTS: dict[str, str] = {}


def _statement(db: BaseDatabaseWrapper) -> str:
    sql = _STATEMENTS.get(db.alias)
    if sql is None:
        q = db.ops.quote_name
        subject, region = q(DutySubject._meta.db_table), q(Region._meta.db_table)
        exemption, submission = q(DutyExemption._meta.db_table), q(Submission._meta.db_table)
        columns = [f"s.{q(f.column)}" for f in _SUBJECT_FIELDS] + [f"r.{q(f.column)}" for f in _REGION_FIELDS]
        sql = (
            f"SELECT {', '.join(columns)},"  # noqa: S608 (names from the models)
            f" EXISTS (SELECT 1 FROM {exemption} e WHERE e.{q('duty')} = s.{q('duty')}"
            f" AND e.{q('subject_type')} = s.{q('subject_type')} AND e.{q('subject_id')} = s.{q('subject_id')}"
            f" AND e.{q('starts_on')} <= %s AND e.{q('ends_on')} >= %s),"
            f" (SELECT x.{q('id')} FROM {submission} x WHERE x.{q('client_id')} = %s LIMIT 1)"
            f" FROM {subject} s JOIN {region} r ON r.{q('id')} = s.{q('region_id')} WHERE s.{q('id')} = %s"
        )
        _STATEMENTS[db.alias] = sql
    return sql


_CONVERTERS: dict[str, list[tuple[Any, list[Any]]]] = {}


def _converters(db: BaseDatabaseWrapper) -> list[tuple[Any, list[Any]]]:
    """What turns each column's raw value into the field's (the backend's, then the field's own),
    as the ORM would apply them; worked out once per database."""
    found = _CONVERTERS.get(db.alias)
    if found is None:
        found = []
        for model, fields in ((DutySubject, _SUBJECT_FIELDS), (Region, _REGION_FIELDS)):
            for field in fields:
                column = field.get_col(model._meta.db_table)
                own = cast(Any, field).get_db_converters(db)  # the stubs do not declare it
                found.append((column, db.ops.get_db_converters(column) + own))
        _CONVERTERS[db.alias] = found
    return found


@dataclass(frozen=True)
class SubmittedFor:
    """The roster row (with its region), whether it is exempt on the day asked, and the id of the
    submission the client id wrote already (None if none)."""

    row: DutySubject
    exempt: bool
    seen: int | None


def submitted_for(pk: int, day: dt.date | None, client_id: uuid.UUID | None) -> SubmittedFor | None:
    alias = router.db_for_read(DutySubject) or DEFAULT_DB_ALIAS
    db = connections[alias]
    date = DutySubject._meta.get_field("valid_from").get_db_prep_value(day, db) if day is not None else None
    client = Submission._meta.get_field("client_id").get_db_prep_value(client_id, db) if client_id else None
    found = fetch(db, _statement(db), [date, date, client, pk])
    if not found:
        return None
    values = found[0]
    n = len(_SUBJECT_FIELDS)
    converted = []
    for (column, converters), value in zip(_converters(db), values[: n + len(_REGION_FIELDS)], strict=True):
        for converter in converters:
            value = converter(value, column, db)
        converted.append(value)
    row = DutySubject.from_db(alias, [f.attname for f in _SUBJECT_FIELDS], converted[:n])
    row.region = Region.from_db(alias, [f.attname for f in _REGION_FIELDS], converted[n:])
    exempt, seen = values[-2], values[-1]
    return SubmittedFor(row, bool(exempt) if day is not None else False, seen)
