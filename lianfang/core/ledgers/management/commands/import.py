"""`lianfang import people|units|users|regions|departments|<a practice's ledger> FILE.xlsx [--dry-run]`: a
ledger in, all rows or none."""

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from lianfang.core.accounts.actors import SystemActor
from lianfang.core.audit.context import audit_context
from lianfang.core.ledgers.reports import ImportReport
from lianfang.core.ledgers.services import LedgerFileError, ledger_import, ledger_kinds


class Command(BaseCommand):
    help = (
        "Import a ledger from an .xlsx file. A file with any bad row imports nothing; the errors are "
        "printed and written to FILE.errors.xlsx next to it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ledger_kinds())
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check the file and count, but write nothing")

    def handle(self, *args: Any, kind: str, file: Path, dry_run: bool, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": file})
        progress = _ProgressBar()
        try:
            with audit_context():
                report = ledger_import(
                    actor=SystemActor("import"),
                    kind=kind,
                    file=file,
                    filename=file.name,
                    dry_run=dry_run,
                    progress=progress,
                )
        except (LedgerFileError, PermissionDenied) as error:
            raise CommandError(f"{file}: {error}") from error
        finally:
            progress.close()
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if not report.ok:
            self._fail(file, report)
        self.stdout.write(self.style.SUCCESS(self._counts(report)))

    def _counts(self, report: ImportReport) -> str:
        counts = _(
            "%(total)d rows: %(created)d created, %(updated)d updated, %(linked)d linked, %(unchanged)d unchanged"
        ) % {
            "total": report.rows_total,
            "created": report.created,
            "updated": report.updated,
            "linked": report.linked,
            "unchanged": report.unchanged,
        }
        return _("Dry run, nothing written. %(counts)s") % {"counts": counts} if report.dry_run else counts

    def _fail(self, file: Path, report: ImportReport) -> None:
        for error in sorted(report.errors, key=lambda e: e.row):
            value = f" 「{error.value}」" if error.value else ""
            self.stderr.write(
                _("row %(row)d, %(column)s%(value)s: %(reason)s")
                % {"row": error.row, "column": error.column, "value": value, "reason": error.reason}
            )
        errors_file = file.with_name(f"{file.stem}.errors.xlsx")
        errors_file.write_bytes(report.errors_xlsx())
        raise CommandError(
            _("%(errors)d problems in %(rows)d rows; nothing was imported. The list is in %(file)s.")
            % {"errors": len(report.errors), "rows": report.bad_rows, "file": errors_file}
        )


class _ProgressBar:
    """A tqdm bar over the rows; a second one when ledger_import starts counting again from zero
    (units and users are checked first, then written)."""

    def __init__(self) -> None:
        self.bar: tqdm[Any] | None = None
        self.phase = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None or done < self.bar.n:
            self.close()
            self.phase += 1
            label = _("importing") if self.phase == 1 else _("writing")
            # disable=None: no bar when the output is not a terminal (a cron job, a test).
            self.bar = tqdm(total=total, desc=label, unit="行", file=sys.stderr, disable=None, leave=True)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
