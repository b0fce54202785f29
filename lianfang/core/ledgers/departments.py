"""The departments ledger (部门台账): district bureaus (区直部门) and subdistrict or town offices.

One row per department, its columns those of the Department model: a short code (the key: the
same code is the same department), the name, the kind, the region it answers for (the district
for a bureau, its subdistrict or town for an office) and, for a bureau, the kinds of organisation
it supervises. A row equal to the department on record is left alone, so that importing the same
file again changes nothing; a row that differs updates it. Rows are written through
department_save: validated, audited, and only by a system administrator (or the console).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor
from lianfang.core.regions.models import Department, DepartmentKind
from lianfang.core.regions.selectors import department_list
from lianfang.core.regions.services import department_save
from lianfang.core.units.models import UnitKind

from . import cells
from .columns import Column, ColumnMap
from .importing import ImportContext, RegistryLedger, RegistryRow, messages_of, region_cell, save_registry_rows
from .reports import ImportReport
from .workbooks import Cell

CODE = Column("部门代码", "code", required=True, text=True, aliases=("简称代码", "代码"))
NAME = Column("部门名称", "name", required=True, aliases=("名称", "部门"))
KIND = Column("类别", "kind", required=True, aliases=("部门类别",))
REGION = Column("管辖区划代码", "region", required=True, text=True, aliases=("区划代码",))
SUPERVISES = Column("监管单位类别", "supervises", aliases=("监管类别",))
COLUMNS = (
    CODE,
    NAME,
    KIND,
    Column("管辖区域", "region_name", informational=True),
    REGION,
    SUPERVISES,
)
_FIELD_COLUMNS = {c.key: c for c in (CODE, NAME, KIND, REGION, SUPERVISES)}
_CODE_FIELD = Department._meta.get_field("code")
_NAME_FIELD = Department._meta.get_field("name")


def _same(department: Department, new: Department) -> bool:
    return all(getattr(department, f) == getattr(new, f) for f in ("name", "kind", "region_id")) and sorted(
        department.supervises or []
    ) == sorted(new.supervises or [])


class DepartmentsLedger(RegistryLedger):
    kind = "departments"
    title = "部门台账"
    columns: Sequence[Column] = COLUMNS

    def check(
        self, ctx: ImportContext, rows: Sequence[tuple[int, list[Cell]]], columns: ColumnMap, report: ImportReport
    ) -> list[RegistryRow]:
        kinds = cells.Choices(DepartmentKind)
        unit_kinds = cells.Choices(UnitKind)
        known = {d.code: d for d in Department.objects.all()}
        code_of_name = {d.name: d.code for d in known.values()}
        first_row_of: dict[tuple[str, str], int] = {}
        read = columns.reader(list(_FIELD_COLUMNS))
        checked: list[RegistryRow] = []
        for done, (row, row_cells) in enumerate(rows, start=1):
            ctx.tick(done)
            raw = dict(zip(_FIELD_COLUMNS, read(row_cells), strict=True))
            problems: dict[str, str] = {}
            try:
                code = cells.code(raw["code"])
            except cells.CellError:
                code = ""  # a yes/no cell: reported as empty below
            name = cells.text(raw["name"])
            for key, model_field, value in (("code", _CODE_FIELD, code), ("name", _NAME_FIELD, name)):
                try:
                    if not value:
                        raise ValidationError(_("it is empty"))
                    model_field.clean(value, None)
                except ValidationError as error:
                    problems[key] = " ".join(error.messages)
                    continue
                first = first_row_of.setdefault((key, value), row)
                if first != row:
                    problems[key] = _("The same value is already in row %(row)d.") % {"row": first}
            if "name" not in problems and code_of_name.get(name, code) != code:
                problems["name"] = _("The department %(code)s already has this name.") % {"code": code_of_name[name]}
            kind = kinds.get(raw["kind"]) if cells.text(raw["kind"]) else None
            if kind is None:
                problems["kind"] = _("Unknown kind; use one of: %(kinds)s.") % {"kinds": kinds.listed}
            region = None
            try:
                region = region_cell(ctx.regions, raw["region"], required=True)
            except ValidationError as error:
                problems["region"] = " ".join(error.messages)
            supervises: list[str] = []
            try:
                supervises = list(dict.fromkeys(unit_kinds.many(raw["supervises"])))
            except cells.CellError as error:
                problems["supervises"] = str(error)
            if not problems:
                assert kind is not None
                department = Department(code=code, name=name, kind=kind, region=region, supervises=supervises)
                try:
                    department.clean()
                except ValidationError as error:
                    for key, messages in messages_of(error).items():
                        problems[key if key in _FIELD_COLUMNS else "code"] = " ".join(messages)
            if problems:
                for key, reason in problems.items():
                    report.add_error(row, _FIELD_COLUMNS[key].header, cells.text(raw[key])[:100], reason)
                continue
            existing = known.get(code)
            if existing is None:
                checked.append(RegistryRow(row, department, "created"))
            elif _same(existing, department):
                checked.append(RegistryRow(row, existing, "unchanged"))
            else:
                for attribute in ("name", "kind", "region", "supervises"):
                    setattr(existing, attribute, getattr(department, attribute))
                checked.append(RegistryRow(row, existing, "updated"))
        return checked

    def write(self, ctx: ImportContext, rows: list[RegistryRow], report: ImportReport) -> None:
        save_registry_rows(ctx, rows, report, save=department_save, columns=_FIELD_COLUMNS, fallback=CODE)

    # Export

    def export_rows(self, actor: Actor, *, reveal: bool) -> Iterator[list[Any]]:
        kinds = cells.Choices(DepartmentKind)
        unit_kinds = cells.Choices(UnitKind)
        for department in department_list():
            values = {
                "code": department.code,
                "name": department.name,
                "kind": kinds.labels.get(department.kind, department.kind),
                "region_name": department.region.name,
                "region": department.region.code,
                "supervises": unit_kinds.shown(department.supervises or []),
            }
            yield [values[column.key] for column in COLUMNS]


LEDGER = DepartmentsLedger()
