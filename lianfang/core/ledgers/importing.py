"""What every ledger import shares: who imports, the regions known, and how errors are reported.

Each kind of ledger (people, units, users) implements `Ledger`: its columns, who may import it,
and `run`, which checks every row (reporting each bad one) and, as long as none is bad, stores
them through the registry services. services.ledger_import calls it in one transaction, which it
rolls back if any row was bad.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor
from lianfang.core.accounts.permissions import require_registry_admin
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope, scope_for

from . import cells
from .columns import Column, ColumnMap
from .reports import ImportReport
from .workbooks import Cell

T = TypeVar("T")
Progress = Callable[[int, int], None]
# Progress is reported about this often (in rows), so that a progress bar costs nothing noticeable.
PROGRESS_STEP = 500
# Rows looked up and written together: one query per chunk for existing records.
CHUNK = 2000


@dataclass
class ImportContext:
    """The importing actor and what every row is checked against, loaded once per file."""

    actor: Actor
    today: dt.date = field(default_factory=timezone.localdate)
    regions: dict[str, Region] = field(default_factory=dict)
    progress: Progress | None = None
    total: int = 0
    # Worker processes for preparing rows; None lets the ledger decide (see parallel.py).
    workers: int | None = None

    @property
    def is_console(self) -> bool:
        """A `lianfang` command: the operator at the console acts for the whole district."""
        return isinstance(self.actor, SystemActor)

    @property
    def scope(self) -> Scope:
        return Scope.everything() if self.is_console else scope_for(self.actor)

    @property
    def actor_id(self) -> int | None:
        return None if isinstance(self.actor, SystemActor) else getattr(self.actor, "pk", None)

    def load_regions(self) -> None:
        self.regions = {region.code: region for region in Region.objects.all()}

    def tick(self, done: int) -> None:
        if self.progress is not None and (done % PROGRESS_STEP == 0 or done == self.total):
            self.progress(done, self.total)


class Ledger(Protocol):
    kind: str
    title: str
    columns: Sequence[Column]

    def check_permission(self, actor: Actor) -> None:
        """Raise PermissionDenied (and audit the refusal) if the actor may not import this ledger."""

    def run(
        self, ctx: ImportContext, rows: Sequence[tuple[int, list[Cell]]], columns: ColumnMap, report: ImportReport
    ) -> None:
        """Check every row, reporting each bad one; store them all (counting outcomes) unless one is bad."""


class CheckThenWrite:
    """For ledgers whose rows are all checked before any is written through its service."""

    def run(
        self, ctx: ImportContext, rows: Sequence[tuple[int, list[Cell]]], columns: ColumnMap, report: ImportReport
    ) -> None:
        """Check every row first; write them one by one through the service only if all are good."""
        checked = self.check(ctx, rows, columns, report)  # type: ignore[attr-defined]
        if not report.errors:
            self.write(ctx, checked, report)  # type: ignore[attr-defined]


class RegistryLedger(CheckThenWrite):
    """For the registries a system administrator maintains (regions, departments, users): only
    they (or the console) may import them."""

    def check_permission(self, actor: Actor) -> None:
        require_registry_admin(actor, verb="ledger.import")


@dataclass(frozen=True)
class RegistryRow:
    """A checked row of a registry ledger: the record to save (new or changed) or leave alone."""

    row: int
    record: Model
    outcome: str  # "created", "updated" or "unchanged"


def save_registry_rows(
    ctx: ImportContext,
    rows: Sequence[RegistryRow],
    report: ImportReport,
    *,
    save: Callable[..., Any],
    columns: dict[str, Column],
    fallback: Column,
) -> None:
    """Write each new or changed record through its service (`save(actor=…, <model name>=record)`),
    count the unchanged ones, and report what the service refuses against the row and its column
    (a field without a column of its own against `fallback`)."""
    for done, r in enumerate(rows, start=1):
        ctx.tick(done)
        if r.outcome == "unchanged":
            report.count("unchanged")
            continue
        try:
            save(actor=ctx.actor, **{r.record._meta.model_name or "record": r.record})
        except ValidationError as error:
            for key, messages in messages_of(error).items():
                column = columns.get(key, fallback)
                report.add_error(r.row, column.header, str(getattr(r.record, column.key, "") or ""), " ".join(messages))
        except PermissionDenied as error:
            report.add_error(r.row, fallback.header, "", str(error))
        else:
            report.count(r.outcome)


class ExportLedger(Protocol):
    """A ledger that exports. It may also define `check_export(actor)`, raising PermissionDenied
    (and auditing the refusal) for an actor who may not export it at all; ledger_export calls it
    before the workbook is begun."""

    title: str
    columns: Sequence[Column]

    def export_rows(self, actor: Actor, *, reveal: bool) -> Iterator[list[Any]]:
        """The values of each record the actor may see, in the order of `columns`."""


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector while a large file is checked and written.

    An import allocates some ten objects per row and frees them by reference counting; the cycle
    collector, woken every 700 allocations, would walk the growing set of live rows again and
    again (a fifth of the time of a 100,000-row import) to find no cycles.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@contextmanager
def large_page_cache() -> Iterator[None]:
    """On SQLite, a 64 MB page cache while writing: the blind-index columns are random keys, and
    with the default 2 MB cache every insert into their indexes goes back to the file."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def region_cell(regions: dict[str, Region], value: Cell, *, required: bool) -> Region | None:
    """A 12-digit division code of a region that exists; raises ValidationError."""
    try:
        code = cells.code(value)
    except cells.CellError as error:
        raise ValidationError(str(error)) from error
    if not code:
        if required:
            raise ValidationError(_("it is empty"))
        return None
    if len(code) != 12 or not code.isdigit():
        raise ValidationError(_("a division code has exactly 12 digits"))
    region = regions.get(code)
    if region is None:
        raise ValidationError(_("no region has this code"))
    return region


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    """A ValidationError's messages by field ("__all__" for those without one)."""
    if hasattr(error, "error_dict"):
        return {key: [str(m) for m in ValidationError(value).messages] for key, value in error.error_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
