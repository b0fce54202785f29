"""The columns of a ledger and how a sheet's header row is matched to them.

Each ledger kind declares its columns once; the export writes their Chinese headers, the blank
template carries them, and the import finds them in any order. Headers are compared without
spaces, a required-marker star or a note in brackets, so 证件号码（必填） and * 证件号码 match.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .reports import ImportReport
from .workbooks import Cell

# How many rows from the top may hold a title above the header row (e.g. "济源路社区人员台账").
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    """One column: its header as exported, the field it fills, and other spellings accepted."""

    header: str
    key: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    # ID numbers, phones and codes: text cells in exports and templates.
    text: bool = False
    # Written by the export for readers (a region's name beside its code); the import ignores it.
    informational: bool = False


@dataclass
class ColumnMap:
    """Which sheet column holds which field, found in the header row."""

    header_row: int  # Excel row number of the header
    positions: dict[str, int] = field(default_factory=dict)  # key -> 0-based column index

    def cell(self, cells: Sequence[Cell], key: str) -> Cell:
        position = self.positions.get(key)
        if position is None or position >= len(cells):
            return ""
        return cells[position]

    def has(self, key: str) -> bool:
        return key in self.positions

    def reader(self, keys: Sequence[str]) -> Callable[[Sequence[Cell]], tuple[Cell, ...]]:
        """A function giving one row's cells for these fields, in this order ("" for a column
        the sheet lacks): one C-level lookup per row instead of one call per cell."""
        if not keys:
            return lambda cells: ()
        # A blank cell is appended to each row; a missing column reads it (index -1).
        take = operator.itemgetter(*(self.positions.get(key, -1) for key in keys), -1)
        return lambda cells: take([*cells, ""])[:-1]


def normalise_header(value: Any) -> str:
    text = "".join(unicodedata.normalize("NFKC", str(value)).split())
    text = re.sub(r"\((必填|选填|可选|必选|optional|required)\)$", "", text, flags=re.IGNORECASE)
    return text.strip("*").lower()


def _spellings(columns: Sequence[Column]) -> dict[str, Column]:
    spellings: dict[str, Column] = {}
    for column in columns:
        for spelling in (column.header, *column.aliases):
            spellings[normalise_header(spelling)] = column
    return spellings


def match_columns(rows: list[list[Cell]], columns: Sequence[Column], report: ImportReport) -> ColumnMap | None:
    """Find the header row and the position of each column; report what is missing or doubled.

    Returns None (with errors in the report) when a required column is missing or named twice.
    Unknown columns are ignored with a warning naming them.
    """
    spellings = _spellings(columns)
    header_index = _find_header_row(rows, spellings)
    header = rows[header_index] if header_index < len(rows) else []
    found = ColumnMap(header_row=header_index + 1)
    unknown: list[str] = []
    for position, raw in enumerate(header):
        title = normalise_header(raw)
        if not title:
            continue
        column = spellings.get(title)
        if column is None:
            unknown.append(str(raw).strip())
            continue
        if column.informational:
            continue
        if column.key in found.positions:
            report.add_error(
                found.header_row,
                column.header,
                str(raw).strip(),
                _("The column appears twice; keep one of them."),
            )
            continue
        found.positions[column.key] = position
    if unknown:
        report.warnings.append(
            _("These columns are not part of the ledger and were ignored: %(columns)s.")
            % {"columns": "、".join(unknown)}
        )
    for column in columns:
        if column.required and column.key not in found.positions:
            report.add_error(
                found.header_row,
                column.header,
                "",
                _("This required column is missing. Download the template to see the columns the ledger needs."),
            )
    return None if report.errors else found


def _find_header_row(rows: list[list[Cell]], spellings: dict[str, Column]) -> int:
    """The first of the top rows that names any ledger column; the first row if none does."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(normalise_header(cell) in spellings for cell in cells if isinstance(cell, str) and cell.strip()):
            return index
    return 0
