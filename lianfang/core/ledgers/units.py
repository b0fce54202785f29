"""The organisations ledger (单位台账): one row per unit, the same credit code being the same unit.

Each row is validated with clean_unit and written with unit_register, which creates, updates or
leaves the unit alone, audits it, and refuses a credit code that belongs to a unit outside the
importer's jurisdiction. Units are counted in thousands, not hundreds of thousands, so rows are
written one by one through the service.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor
from lianfang.core.audit.services import audit_record_refusal
from lianfang.core.people.identity import DocumentType, normalise
from lianfang.core.people.indexes import DOCUMENT_COLUMN, document_index
from lianfang.core.people.models import NAME_ORDER, Person, with_document
from lianfang.core.people.selectors import person_list
from lianfang.core.privacy.cipher import decrypt
from lianfang.core.privacy.masking import mask_document
from lianfang.core.regions.scoping import Scope, scope_for
from lianfang.core.units.models import Unit, UnitKind
from lianfang.core.units.selectors import unit_list
from lianfang.core.units.services import UnitData, clean_unit, unit_register

from . import cells
from .columns import Column, ColumnMap
from .importing import CheckThenWrite, ImportContext, chunked, messages_of, region_cell
from .reports import ImportReport
from .workbooks import Cell

NAME = Column("单位名称", "name", required=True, aliases=("名称", "单位", "企业名称"))
CREDIT_CODE = Column("统一社会信用代码", "credit_code", text=True, aliases=("信用代码", "社会信用代码"))
KINDS = Column("类别", "kinds", required=True, aliases=("单位类别", "类型"))
ADDRESS = Column("地址", "address", aliases=("单位地址", "经营地址"))
REGION = Column("所在地区划代码", "region", required=True, text=True, aliases=("区划代码",))
CONTACT = Column("联系人证件号码", "contact", text=True, aliases=("联系人身份证号", "联系人身份证号码"))
COLUMNS = (
    NAME,
    CREDIT_CODE,
    KINDS,
    ADDRESS,
    Column("所在地", "region_name", informational=True),
    REGION,
    Column("联系人", "contact_name", informational=True),
    CONTACT,
)
_FIELD_COLUMNS = {c.key: c for c in (NAME, CREDIT_CODE, KINDS, ADDRESS, REGION, CONTACT)}


@dataclass(frozen=True)
class UnitRow:
    row: int
    data: UnitData


def shown(key: str, raw: Cell) -> str:
    value = cells.text(raw)
    return mask_document(normalise(value)) if key == "contact" else value[:100]


class UnitsLedger(CheckThenWrite):
    kind = "units"
    title = "单位台账"
    columns: Sequence[Column] = COLUMNS

    def check_permission(self, actor: Actor) -> None:
        if isinstance(actor, SystemActor):
            return
        if not getattr(actor, "is_authenticated", False) or not scope_for(actor).can_write:
            audit_record_refusal(actor=actor, verb="ledger.import", detail="units")
            raise PermissionDenied(_("You may not import organisations."))

    def check(
        self, ctx: ImportContext, rows: Sequence[tuple[int, list[Cell]]], columns: ColumnMap, report: ImportReport
    ) -> list[UnitRow]:
        kinds = cells.Choices(UnitKind)
        scope = ctx.scope
        raw_rows = [(row, {key: columns.cell(cells_, key) for key in _FIELD_COLUMNS}) for row, cells_ in rows]
        contacts = self._contacts(ctx, [raw["contact"] for _row, raw in raw_rows])
        first_row_of: dict[Any, int] = {}
        checked: list[UnitRow] = []
        for done, (row, raw) in enumerate(raw_rows, start=1):
            ctx.tick(done)
            problems: dict[str, str] = {}
            credit_code = region = contact = None
            try:
                credit_code = cells.long_number(raw["credit_code"])
            except cells.CellError as error:
                problems["credit_code"] = str(error)
            try:
                region = region_cell(ctx.regions, raw["region"], required=True)
            except ValidationError as error:
                problems["region"] = " ".join(error.messages)
            if region is not None and not (ctx.is_console or (scope.can_write and scope.covers_region(region))):
                problems["region"] = _("This region is outside your jurisdiction.")
            unit_kinds: list[str] = []
            try:
                unit_kinds = kinds.many(raw["kinds"])
            except cells.CellError as error:
                problems["kinds"] = str(error)
            try:
                number = cells.long_number(raw["contact"])
                if number:
                    contact = contacts.get(normalise(number))
                    if contact is None:
                        problems["contact"] = _(
                            "No person with this document number is registered in your jurisdiction; "
                            "import or register the contact person first."
                        )
            except cells.CellError as error:
                problems["contact"] = str(error)
            data = None
            try:
                data = clean_unit(
                    name=cells.text(raw["name"]),
                    region=region,
                    kinds=unit_kinds,
                    credit_code=credit_code or "",
                    address=cells.text(raw["address"]),
                    contact=contact,
                )
            except ValidationError as error:
                for key, messages in messages_of(error).items():
                    if key not in problems:  # a cell already refused says so once
                        problems[key if key in _FIELD_COLUMNS else "name"] = " ".join(messages)
            if data is not None:
                identity = data.credit_code or (data.name, data.region.pk)
                if identity in first_row_of:
                    problems["credit_code" if data.credit_code else "name"] = _(
                        "The same organisation is already in row %(row)d."
                    ) % {"row": first_row_of[identity]}
                else:
                    first_row_of[identity] = row
            if problems:
                for key, reason in problems.items():
                    report.add_error(row, _FIELD_COLUMNS[key].header, shown(key, raw[key]), reason)
                continue
            assert data is not None
            checked.append(UnitRow(row, data))
        return checked

    @staticmethod
    def _contacts(ctx: ImportContext, values: list[Cell]) -> dict[str, Person]:
        """The contact people named in the file, found by blind index among those the actor may see
        (so that the import cannot be used to learn whether someone is registered elsewhere)."""
        numbers = set()
        for value in values:
            try:
                number = cells.long_number(value)
            except cells.CellError:
                continue
            if number:
                numbers.add(normalise(number))
        # The console reads records on file (not registrations that wait on them).
        people = Person.objects.filter(on_file__isnull=True) if ctx.is_console else person_list(ctx.actor)
        found: dict[str, Person] = {}
        for chunk in chunked(sorted(numbers), 500):
            by_index = {document_index(kind, number): number for number in chunk for kind in DocumentType.values}
            for person in people.filter(with_document(list(by_index))):
                found[by_index[person.document_index]] = person
        return found

    def write(self, ctx: ImportContext, rows: list[UnitRow], report: ImportReport) -> None:
        for done, r in enumerate(rows, start=1):
            try:
                _unit, outcome = unit_register(actor=ctx.actor, data=r.data)
            except (ValidationError, PermissionDenied) as error:
                if isinstance(error, ValidationError):
                    for key, messages in messages_of(error).items():
                        column = _FIELD_COLUMNS.get(key, CREDIT_CODE)
                        report.add_error(r.row, column.header, self._value(r.data, column.key), " ".join(messages))
                else:
                    report.add_error(r.row, CREDIT_CODE.header, r.data.credit_code or "", str(error))
            else:
                report.count(outcome)
            ctx.tick(done)

    @staticmethod
    def _value(data: UnitData, key: str) -> str:
        if key == "contact":
            return data.contact.document_masked if data.contact else ""
        if key == "region":
            return data.region.code
        if key == "kinds":
            return "、".join(data.kinds)
        return str(getattr(data, key) or "")

    # Export

    def queryset(self, actor: Actor) -> QuerySet[Unit]:
        if isinstance(actor, SystemActor):
            return Scope.everything().filter(
                Unit.objects.select_related("region", "contact").prefetch_related("profiles")
            )
        return unit_list(actor)

    def export_rows(self, actor: Actor, *, reveal: bool) -> Iterator[list[Any]]:
        kinds = cells.Choices(UnitKind)
        for unit in self.queryset(actor).order_by(*NAME_ORDER).iterator(chunk_size=2000):
            contact = unit.contact
            if contact is None:
                number = ""
            elif reveal:
                number = decrypt(contact.document_cipher, column=DOCUMENT_COLUMN)
            else:
                number = contact.document_masked
            values = {
                "name": unit.name,
                "credit_code": unit.credit_code or "",
                "kinds": kinds.shown(p.kind for p in unit.profiles.all()),
                "address": unit.address,
                "region_name": unit.region.name,
                "region": unit.region.code,
                "contact_name": contact.name if contact else "",
                "contact": number,
            }
            yield [values[column.key] for column in COLUMNS]


LEDGER = UnitsLedger()
