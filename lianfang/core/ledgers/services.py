"""Excel ledgers (台账) in and out: what the upload page, the export button and the
`lianfang import` / `lianfang export` commands call.

An import is all or nothing. The file is first checked as a whole (size, format, zip and XML
bombs: LedgerFileError). Then every row is checked and every bad row reported, and the rows are
written through the registry services (a practice's ledger: its own services) in one
transaction, which is rolled back if any row was bad, including rows that the services
themselves refuse (a credit code registered outside the importer's jurisdiction, say). Importing
the same file again changes nothing. Which ledgers there are is registry.py's: the registries'
own, and those the practices register (register_ledger).
"""

from __future__ import annotations

import os
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor
from lianfang.core.audit.services import audit_record, audit_record_refusal
from lianfang.core.regions.scoping import scope_for

from .columns import match_columns
from .importing import ImportContext, Ledger, Progress, large_page_cache, without_cyclic_gc
from .registry import export_kinds, ledger_kinds, register_ledger, registered_ledger
from .reports import ImportReport, RowError
from .workbooks import LedgerFileError, iter_nonempty, read_rows
from .writing import LedgerWriter

__all__ = [
    "ImportReport",
    "LedgerFileError",
    "RowError",
    "export_kinds",
    "ledger_export",
    "ledger_import",
    "ledger_kinds",
    "ledger_template",
    "register_ledger",
]


def _ledger(kind: str) -> Ledger:
    entry = registered_ledger(kind)
    if entry is None:
        raise ValueError(f"unknown ledger {kind!r}; one of {', '.join(ledger_kinds())}")
    return entry.ledger


def ledger_import(
    *,
    actor: Actor,
    kind: str,
    file: IO[bytes] | str | os.PathLike[str],
    filename: str = "",
    dry_run: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Import a ledger (people, units, users, regions, departments, or one a practice registered:
    registry.py) from an .xlsx file (a path or an open binary file).

    Returns the report: counts when the file was imported, or every bad row (and nothing imported).
    With dry_run the rows are written and rolled back, so the counts say exactly what an import
    would do. `progress(done, total)` is called as rows are checked, then again from zero as
    they are written (people: once, as rows are checked and written together). `workers` sets how
    many worker processes prepare people rows (0: none; None: decided by the file's size and the
    process, see parallel.py). Raises LedgerFileError for a file that cannot be imported at all
    and PermissionDenied for an actor who may not import this ledger.
    """
    ledger = _ledger(kind)
    ledger.check_permission(actor)
    rows = read_rows(file, filename)
    report = ImportReport(kind=kind, dry_run=dry_run)
    columns = match_columns(rows, ledger.columns, report)
    if columns is None:
        return report
    body = list(iter_nonempty(rows, columns.header_row))
    del rows
    report.rows_total = len(body)
    if not body:
        report.warnings.append(_("There are no rows below the header."))
        return report
    ctx = ImportContext(actor=actor, progress=progress, total=len(body), workers=workers)
    ctx.load_regions()
    with without_cyclic_gc():
        try:
            with large_page_cache(), transaction.atomic():
                ledger.run(ctx, body, columns, report)
                if report.errors or dry_run:
                    transaction.set_rollback(True)
                else:
                    audit_record(actor=actor, verb="ledger.import", detail=_counts(kind, filename, report))
        except IntegrityError as error:
            # Someone registered the same document or credit code between our lookup and our insert.
            raise LedgerFileError(
                _("Some of these records were registered by someone else during the import. Import the file again.")
            ) from error
    # A preview, and an import refused for its bad rows, are audited too (after the rollback).
    if dry_run and not report.errors:
        audit_record(actor=actor, verb="ledger.preview", detail=_counts(kind, filename, report))
    elif report.errors:
        audit_record_refusal(
            actor=actor,
            verb="ledger.preview" if dry_run else "ledger.import",
            outcome="failed",
            detail=f"{kind} {filename}: {report.rows_total} rows, {len(report.errors)} errors"[:500],
        )
    if report.errors:
        report.reset_counts()
    return report


def _counts(kind: str, filename: str, report: ImportReport) -> str:
    return (
        f"{kind} {filename}: {report.rows_total} rows, {report.created} created, "
        f"{report.updated} updated, {report.linked} linked, {report.unchanged} unchanged"
    )[:500]


def ledger_export(*, actor: Actor, kind: str, reveal: bool = False, reason: str = "") -> bytes:
    """The people, units, regions, departments (or the records of a practice's ledger) the actor may
    see, as an .xlsx with the headers the import reads (regions and departments are public
    administrative facts: all of them). A ledger may refuse an actor (PermissionDenied) before
    its first row.

    ID numbers and phones are masked unless `reveal`, which needs the reveal privilege (the
    console may) and is audited as "ledger.export_unmasked", with the reason if one is given.
    A revealed export imports back unchanged.
    """
    entry = registered_ledger(kind)
    if entry is None or not entry.exportable:
        raise ValueError(f"unknown export {kind!r}; one of {', '.join(export_kinds())}")
    ledger = entry.export
    console = isinstance(actor, SystemActor)
    if not console and not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to export a ledger."))
    if reveal and not console and not scope_for(actor).may_reveal:
        audit_record_refusal(actor=actor, verb="ledger.export_unmasked", detail=kind)
        raise PermissionDenied(_("You may not export full ID numbers and phones."))
    # A ledger may refuse an actor before the workbook is begun (and audits its refusal).
    check_export = getattr(ledger, "check_export", None)
    if check_export is not None:
        check_export(actor)
    writer = LedgerWriter(
        ledger.title, [c.header for c in ledger.columns], text_columns=[c.header for c in ledger.columns if c.text]
    )
    count = 0
    for values in ledger.export_rows(actor, reveal=reveal):
        writer.append(values)
        count += 1
    reason = " ".join(reason.split())
    detail = f"{kind}: {count} rows" + (f"; {reason}" if reason else "")
    audit_record(actor=actor, verb="ledger.export_unmasked" if reveal else "ledger.export", detail=detail)
    return writer.save()


def ledger_template(kind: str) -> bytes:
    """A blank ledger with the headers the import reads; ID, phone and code columns are text."""
    ledger = _ledger(kind)
    columns = [c for c in ledger.columns if not c.informational]
    writer = LedgerWriter(ledger.title, [c.header for c in columns], text_columns=[c.header for c in columns if c.text])
    return writer.save()
