"""What an import did, or why it did nothing: counts, every bad row, and the same as an Excel file."""

from __future__ import annotations

from dataclasses import dataclass, field

from .writing import LedgerWriter

ERROR_HEADERS = ("行号", "列", "值", "原因")


@dataclass(frozen=True)
class RowError:
    """One problem: the Excel row (the header is row 1), the column's Chinese header, the value
    as typed (ID numbers and phones masked) and the reason, in the user's language."""

    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    """The outcome of one file. With any error nothing was imported and the counts are zero."""

    kind: str
    dry_run: bool = False
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0  # people only: on file where the importer may look, now also registered by them
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, row: int, column: str, value: str, reason: str) -> None:
        self.errors.append(RowError(row=row, column=column, value=value, reason=reason))

    def count(self, outcome: str) -> None:
        """Count one row's outcome: "created", "updated", "linked" or "unchanged"."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def reset_counts(self) -> None:
        self.created = self.updated = self.unchanged = self.linked = 0

    @property
    def bad_rows(self) -> int:
        return len({error.row for error in self.errors})

    def errors_xlsx(self) -> bytes:
        """The error report as an Excel workbook: 行号, 列, 值, 原因, one line per problem."""
        widths = dict(zip(ERROR_HEADERS, (8, 20, 28, 80), strict=True))
        writer = LedgerWriter("错误", ERROR_HEADERS, text_columns=["值"], widths=widths)
        for error in sorted(self.errors, key=lambda e: e.row):
            writer.append([error.row, error.column, error.value, error.reason])
        return writer.save()
