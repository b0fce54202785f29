"""Writing ledger workbooks: a bold header, text columns, and cells that stay what they are.

Every string is written as a text cell. openpyxl would otherwise store a name or address that
begins with "=" as a formula, which Excel runs when the ledger is opened (formula injection);
and ID and phone columns are formatted as text, so that numbers typed into a blank template
are not turned into rounded numbers by Excel.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

TEXT_FORMAT = "@"
_BOLD = Font(bold=True)


class LedgerWriter:
    """One sheet written row by row (openpyxl's write-only mode: memory stays flat for 100,000 rows)."""

    def __init__(
        self,
        title: str,
        headers: Sequence[str],
        *,
        text_columns: Iterable[str] = (),
        widths: dict[str, int] | None = None,
    ) -> None:
        self.workbook = Workbook(write_only=True)
        self.sheet: WriteOnlyWorksheet = self.workbook.create_sheet(title)
        text = set(text_columns)
        self._text_positions = {i for i, header in enumerate(headers) if header in text}
        for i, header in enumerate(headers):
            dimension = self.sheet.column_dimensions[get_column_letter(i + 1)]
            dimension.width = max(10, 2 * len(header) + 4)
            if i in self._text_positions:
                dimension.width = 22
                # A column style: blank cells below the data are text too, for rows typed later.
                dimension.number_format = TEXT_FORMAT
            if widths and header in widths:
                dimension.width = widths[header]
        # Column settings must be made before the first row: write-only mode writes them with it.
        self.sheet.freeze_panes = "A2"
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(self.sheet, value=header)
            cell.font = _BOLD
            header_cells.append(cell)
        self.sheet.append(header_cells)

    def append(self, values: Sequence[Any]) -> None:
        self.sheet.append([self._cell(i, value) for i, value in enumerate(values)])

    def _cell(self, position: int, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.data_type = "s"  # never a formula, whatever the text begins with
            if position in self._text_positions:
                cell.number_format = TEXT_FORMAT
            return cell
        return value

    def save(self) -> bytes:
        out = io.BytesIO()
        self.workbook.save(out)
        return out.getvalue()
