"""The regions ledger (区划台账): the jurisdiction tree from 12-digit statistical division codes.

One row per region: its 区划代码 and its 名称. The level and the parent follow from the code's
shape (2-2-2-3-3, see regions.models.level_for_code and parent_code), so the file needs no other
column. Only the file's top row may be the district, which needs no parent; every other row's
parent must be in the file (anywhere: rows are written parents first) or already in the system.

A known code with the same name is left alone, so that importing the same file again changes
nothing; a known code with another name is renamed. A known region keeps its level. Rows are
written through region_save, so every new or renamed region is validated by Region.clean,
audited, and bumps the scope versions of those who serve there (regions.signals).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.regions.models import Region, code_prefix, level_for_code, parent_code
from lianfang.core.regions.selectors import region_list
from lianfang.core.regions.services import region_save

from . import cells
from .columns import Column, ColumnMap
from .importing import ImportContext, RegistryLedger, RegistryRow, messages_of, save_registry_rows
from .reports import ImportReport
from .workbooks import Cell

CODE = Column("区划代码", "code", required=True, text=True, aliases=("统计用区划代码", "代码"))
NAME = Column("名称", "name", required=True, aliases=("区划名称", "地区名称"))
COLUMNS = (CODE, NAME)
# Region.clean speaks of the parent and the level, both of which the code decides here.
_FIELD_COLUMNS = {"code": CODE, "parent": CODE, "level": CODE, "name": NAME}
NAME_LENGTH = Region._meta.get_field("name").max_length or 64


@dataclass(frozen=True)
class _Entry:
    row: int
    code: str
    name: str


def division_code(value: Cell) -> str:
    """A 12-digit statistical division code; raises CellError, with how to write a 6-digit one."""
    code = cells.code(value)
    if not code:
        raise cells.CellError(_("it is empty"))
    if len(code) == 6 and code.isdigit():
        raise cells.CellError(
            _(
                "this is a 6-digit administrative division code; the district's 12-digit statistical code is "
                "these six digits followed by 000000"
            )
        )
    if len(code) != 12 or not code.isascii() or not code.isdigit():
        raise cells.CellError(_("a division code has exactly 12 digits"))
    return code


class RegionsLedger(RegistryLedger):
    kind = "regions"
    title = "区划台账"
    columns: Sequence[Column] = COLUMNS

    def check(
        self, ctx: ImportContext, rows: Sequence[tuple[int, list[Cell]]], columns: ColumnMap, report: ImportReport
    ) -> list[RegistryRow]:
        entries = self._entries(ctx, rows, columns, report)
        in_file = {entry.code for entry in entries}
        first_row = rows[0][0] if rows else 0
        districts = [r for r in ctx.regions.values() if r.parent_id is None]
        # Parents before children, so that each new region's parent is at hand (and saved first).
        built: dict[str, Region] = {}
        checked: list[RegistryRow] = []
        for entry in sorted(entries, key=lambda e: (len(code_prefix(e.code)), e.code)):
            problem = self._refusal(ctx, entry, in_file, first_row, districts)
            if problem:
                report.add_error(entry.row, CODE.header, entry.code, problem)
                continue
            existing = ctx.regions.get(entry.code)
            if existing is not None:
                # A known region keeps its place and level; only its name may change.
                outcome = "unchanged" if existing.name == entry.name else "updated"
                existing.name = entry.name
                built[entry.code] = existing
                checked.append(RegistryRow(entry.row, existing, outcome))
                continue
            above = parent_code(entry.code)
            parent = (built.get(above) or ctx.regions.get(above)) if above else None
            if above and parent is None:
                continue  # the parent's own row is bad, and reported
            region = Region(code=entry.code, name=entry.name, level=level_for_code(entry.code), parent=parent)
            try:
                region.clean()
            except ValidationError as error:
                for key, messages in messages_of(error).items():
                    column = _FIELD_COLUMNS.get(key, CODE)
                    report.add_error(entry.row, column.header, getattr(entry, column.key), " ".join(messages))
                continue
            built[entry.code] = region
            checked.append(RegistryRow(entry.row, region, "created"))
        return checked

    @staticmethod
    def _entries(
        ctx: ImportContext, rows: Sequence[tuple[int, list[Cell]]], columns: ColumnMap, report: ImportReport
    ) -> list[_Entry]:
        """Each row's code and name, read and checked on their own."""
        first_row_of: dict[str, int] = {}
        entries: list[_Entry] = []
        read = columns.reader([CODE.key, NAME.key])
        for done, (row, row_cells) in enumerate(rows, start=1):
            ctx.tick(done)
            raw_code, raw_name = read(row_cells)
            good = True
            code = ""
            try:
                code = division_code(raw_code)
            except cells.CellError as error:
                report.add_error(row, CODE.header, cells.text(raw_code)[:100], str(error))
                good = False
            else:
                if code in first_row_of:
                    report.add_error(
                        row,
                        CODE.header,
                        code,
                        _("The same region is already in row %(row)d.") % {"row": first_row_of[code]},
                    )
                    good = False
                else:
                    first_row_of[code] = row
            name = cells.text(raw_name)
            if not name:
                report.add_error(row, NAME.header, "", _("it is empty"))
                good = False
            elif len(name) > NAME_LENGTH:
                report.add_error(row, NAME.header, name[:100], _("it is longer than 64 characters"))
                good = False
            if good:
                entries.append(_Entry(row, code, name))
        return entries

    @staticmethod
    def _refusal(
        ctx: ImportContext, entry: _Entry, in_file: set[str], first_row: int, districts: list[Region]
    ) -> str | None:
        """Why a row cannot stand where its code puts it, or None."""
        above = parent_code(entry.code)
        if above is None:
            if entry.row != first_row:
                return _("Only the file's top row may be a district (a code ending in six zeros).")
            others = [d for d in districts if d.code != entry.code]
            if others:
                return _("The system already serves the district %(name)s (%(code)s); it serves one district.") % {
                    "name": others[0].name,
                    "code": others[0].code,
                }
            return None
        if above not in in_file and above not in ctx.regions:
            return _(
                "Its parent region %(code)s is neither in the file nor in the system; add a row for it "
                "(the file's top row is the district)."
            ) % {"code": above}
        return None

    def write(self, ctx: ImportContext, rows: list[RegistryRow], report: ImportReport) -> None:
        save_registry_rows(ctx, rows, report, save=region_save, columns=_FIELD_COLUMNS, fallback=CODE)

    # Export

    def export_rows(self, actor: Actor, *, reveal: bool) -> Iterator[list[Any]]:
        """Every region, parents before children (code order puts a district before its subdistricts)."""
        for code, name in region_list().values_list("code", "name"):
            yield [code, name]


LEDGER = RegionsLedger()
