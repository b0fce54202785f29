"""The people ledger (人员台账): one row per person, the same document being the same person.

An import goes through the file in chunks. Each chunk is first *prepared* without the database
(prepare_rows: cells read, clean_person, and for a large file person_build — encryption, blind
indexes, masks, pinyin initials), in worker processes when the file is large (see parallel.py).
Then, in this process and in order, the chunk is *accepted* (duplicates in the file, where each
person is registered) and *written*:

- new people (nearly all rows of a first import) are inserted in bulk, each with its registration
  link and its "person.create" audit row, exactly as person_register writes them;
- rows whose document is already registered here with the same content are counted as unchanged
  without a write (compared by blind index and content, never by ciphertext);
- every other known document goes through person_register itself (update, link, nothing, or a
  pending record where the importer may not see the record on file: see people.pending).

After the first bad row nothing more is written, but every row is still checked, so that the
report lists them all; services.ledger_import then rolls the whole transaction back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lianfang.core.accounts.actors import Actor, SystemActor
from lianfang.core.audit.models import AuditEvent
from lianfang.core.audit.services import EventDetails, audit_record_refusal, audit_rows, snapshot
from lianfang.core.people.always_masked import always_masked
from lianfang.core.people.identity import Document, DocumentType, Sex, normalise
from lianfang.core.people.indexes import DOCUMENT_COLUMN, PHONE_COLUMN
from lianfang.core.people.models import NAME_ORDER, Person, PersonLink
from lianfang.core.people.selectors import person_list
from lianfang.core.people.services import (
    Holder,
    PersonData,
    clean_person,
    person_build,
    person_register,
    registration_holder,
    same_content,
)
from lianfang.core.privacy.cipher import decrypt
from lianfang.core.privacy.masking import mask_document, mask_phone
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import Scope, scope_for
from lianfang.core.regions.selectors import default_region

from . import cells, parallel
from .columns import Column, ColumnMap
from .importing import ImportContext, chunked, messages_of, region_cell
from .inserts import insert_rows
from .reports import ImportReport
from .workbooks import Cell

# The registration link's source: people registered by a ledger import.
SOURCE = "import"

NAME = Column("姓名", "name", required=True, aliases=("名字",))
DOCUMENT_TYPE = Column("证件类型", "document_type")
DOCUMENT_NUMBER = Column(
    "证件号码",
    "document_number",
    required=True,
    text=True,
    aliases=("身份证号", "身份证号码", "公民身份号码", "证件号"),
)
PHONE = Column("手机号码", "phone", text=True, aliases=("手机号", "手机", "联系电话", "电话"))
ADDRESS = Column("住址", "address", aliases=("地址", "现住址", "居住地址", "家庭住址"))
HOME_REGION = Column("居住地区划代码", "home_region", text=True, aliases=("区划代码", "居住地代码"))
COLUMNS = (
    NAME,
    Column("性别", "sex", informational=True),
    Column("年龄", "age", informational=True),
    DOCUMENT_TYPE,
    DOCUMENT_NUMBER,
    PHONE,
    ADDRESS,
    Column("居住地", "home_region_name", informational=True),
    HOME_REGION,
)
# Which column a clean_person error belongs to.
_FIELD_COLUMNS = {c.key: c for c in (NAME, DOCUMENT_TYPE, DOCUMENT_NUMBER, PHONE, ADDRESS, HOME_REGION)}
_KEYS = ("name", "document_type", "document_number", "phone", "address", "home_region")
_DOCUMENT_ALIASES = {"身份证": DocumentType.RESIDENT_ID, "二代身份证": DocumentType.RESIDENT_ID}
# Rows per chunk: prepared together, looked up together (one query), inserted together.
CHUNK = 2000
_PERSON_ATTNAMES = tuple(f.attname for f in Person._meta.concrete_fields)


@dataclass(frozen=True)
class Preparation:
    """What preparing a row needs besides the row: the same in this process and in workers."""

    today: dt.date
    language: str
    regions: dict[str, Region]
    # Build the stored form (encrypt, index, mask, initials, timestamps, audit snapshot) here too:
    # worth it when workers do it.
    build: bool
    now: dt.datetime  # the new records' created_at and updated_at, when built


@dataclass(frozen=True)
class PreparedRow:
    """One row after the database-free checks: either problems, or the person's data."""

    row: int
    problems: dict[str, tuple[str, str]]  # field -> (value as shown, reason)
    # PersonData's values as a plain tuple (name, document: type, number, birth date, sex, phone,
    # address): workers send it back, and plain tuples cross between processes cheapest.
    fields: tuple[Any, ...] | None = None
    home_code: str = ""
    index: str = ""  # the document's blind index
    stored: tuple[Any, ...] | None = None  # Person's column values when built
    after: dict[str, Any] | None = None  # its audit snapshot when built, but for the id

    @property
    def ok(self) -> bool:
        return self.fields is not None


@dataclass(frozen=True)
class PersonRow:
    """An accepted row: the validated person and where the importer registers them."""

    row: int
    prepared: PreparedRow
    region: Region

    @property
    def index(self) -> str:
        return self.prepared.index

    def data(self, regions: dict[str, Region]) -> PersonData:
        """The person's data with their home region (prepared rows travel without it)."""
        assert self.prepared.fields is not None
        name, document_type, number, birth_date, sex, phone, address = self.prepared.fields
        home = regions.get(self.prepared.home_code) if self.prepared.home_code else None
        return PersonData(name, Document(document_type, number, birth_date, sex), phone, address, home)


def _document_types() -> dict[str, str]:
    pairs: list[tuple[str, Any]] = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            pairs += [(value, str(label)) for value, label in DocumentType.choices]
    lookup = cells.label_lookup(pairs)
    lookup.update({cells.normalise_label(k): v for k, v in _DOCUMENT_ALIASES.items()})
    return lookup


def shown(key: str, raw: Cell) -> str:
    """A cell's value as the error report may show it: document numbers and phones masked."""
    value = cells.text(raw)
    if key == "document_number":
        return mask_document(normalise(value))
    if key == "phone":
        return mask_phone("".join(ch for ch in value if ch.isalnum()))
    return value[:100]


def prepare_rows(preparation: Preparation, rows: list[tuple[int, tuple[Cell, ...]]]) -> list[PreparedRow]:
    """Check rows, and build their stored form if asked, without the database.

    Pure, so that it can run in a worker process (see parallel.py); messages are in the
    importer's language either way.
    """
    with translation.override(preparation.language):
        lookup = _CellLookup(preparation.regions)
        return [_prepare_row(preparation, lookup, row, raw) for row, raw in rows]


class _CellLookup:
    """Document types and regions by the cell that names them, worked out once per distinct cell
    (a ledger repeats a handful of them over thousands of rows)."""

    def __init__(self, regions: dict[str, Region]) -> None:
        self.regions = regions
        self.types = _document_types()
        self._types: dict[Cell, tuple[str, str | None]] = {}
        self._regions: dict[Cell, tuple[Region | None, str | None]] = {}

    def document_type(self, raw: Cell) -> tuple[str, str | None]:
        if raw not in self._types:
            found = self.types.get(cells.normalise_label(raw)) if cells.text(raw) else DocumentType.RESIDENT_ID
            problem = None
            if found is None:
                problem = _("Unknown document type; use one of: %(types)s.") % {
                    "types": "、".join(str(label) for label in DocumentType.labels)
                }
            self._types[raw] = (found or DocumentType.RESIDENT_ID, problem)
        return self._types[raw]

    def region(self, raw: Cell) -> tuple[Region | None, str | None]:
        if raw not in self._regions:
            try:
                self._regions[raw] = (region_cell(self.regions, raw, required=False), None)
            except ValidationError as error:
                self._regions[raw] = (None, " ".join(error.messages))
        return self._regions[raw]


def _prepare_row(preparation: Preparation, lookup: _CellLookup, row: int, raw: tuple[Cell, ...]) -> PreparedRow:
    name, raw_type, raw_number, raw_phone, address, raw_region = raw
    problems: dict[str, str] = {}
    document_type, problem = lookup.document_type(raw_type)
    if problem:
        problems["document_type"] = problem
    home, problem = lookup.region(raw_region)
    if problem:
        problems["home_region"] = problem
    number = phone = ""
    try:
        number = cells.long_number(raw_number)
    except cells.CellError as error:
        problems["document_number"] = str(error)
    try:
        phone = cells.phone(raw_phone)
    except cells.CellError as error:
        problems["phone"] = str(error)
    data = None
    try:
        data = clean_person(
            name=cells.text(name),
            document_type=document_type,
            document_number=number,
            phone=phone,
            address=cells.text(address),
            home_region=home,
            today=preparation.today,
        )
    except ValidationError as error:
        for key, messages in messages_of(error).items():
            # A cell already refused (or a number checked against the wrong type) says it once.
            if key not in problems and not (key == "document_number" and "document_type" in problems):
                problems[key if key in _FIELD_COLUMNS else "name"] = " ".join(messages)
    if problems or data is None:
        values = dict(zip(_KEYS, raw, strict=True))
        return PreparedRow(row, {key: (shown(key, values[key]), reason) for key, reason in problems.items()})
    document = data.document
    fields = (data.name, document.type, document.number, document.birth_date, document.sex, data.phone, data.address)
    home_code = home.code if home is not None else ""
    if not preparation.build:
        return PreparedRow(row, {}, fields, home_code, data.document_index)
    person = person_build(data)
    person.created_at = person.updated_at = preparation.now
    stored = tuple(getattr(person, attname) for attname in _PERSON_ATTNAMES)
    # person_build worked the blind index out already.
    return PreparedRow(row, {}, fields, home_code, person.document_index, stored, snapshot(person))


class PeopleLedger:
    kind = "people"
    title = "人员台账"
    columns: Sequence[Column] = COLUMNS

    def check_permission(self, actor: Actor) -> None:
        if isinstance(actor, SystemActor):
            return
        if not getattr(actor, "is_authenticated", False) or not scope_for(actor).can_write:
            audit_record_refusal(actor=actor, verb="ledger.import", detail="people")
            raise PermissionDenied(_("You may not import people."))

    def run(
        self, ctx: ImportContext, rows: Sequence[tuple[int, list[Cell]]], columns: ColumnMap, report: ImportReport
    ) -> None:
        read = columns.reader(_KEYS)
        workers = parallel.worker_count(len(rows)) if ctx.workers is None else ctx.workers
        preparation = Preparation(
            today=ctx.today,
            language=translation.get_language() or "zh-hans",
            regions=ctx.regions,
            build=workers > 0,
            now=timezone.now(),
        )
        tasks = ([(row, read(cells_)) for row, cells_ in chunk] for chunk in chunked(rows, CHUNK))
        accept = _Acceptance(ctx, self._fallback_region(ctx))
        holders = _Holders(ctx)
        done = 0
        for prepared in parallel.map_in_order(prepare_rows, preparation, tasks, workers=workers):
            accepted = accept.chunk(prepared, report)
            # After the first bad row the file will not be imported: check the rest, write nothing.
            if not report.errors:
                self._write(ctx, accepted, holders, report)
            done += len(prepared)
            ctx.tick(done)

    def _write(self, ctx: ImportContext, rows: list[PersonRow], holders: _Holders, report: ImportReport) -> None:
        existing = {
            person.document_index: person
            for person in Person.objects.filter(document_index__in=[r.index for r in rows], on_file__isnull=True).only(
                "id", "name", "document_index", "phone_index", "address", "home_region_id"
            )
        }
        # Registered here by this importer: such a row changes nothing if its content is the same.
        # Anything else goes through person_register, which decides what the importer may see.
        registered_here = set(
            PersonLink.objects.filter(
                person__in=list(existing.values()), source=SOURCE, created_by_id=ctx.actor_id
            ).values_list("person_id", "region_id", "department_id", "unit_id")
            if existing
            else ()
        )
        new: list[PersonRow] = []
        for r in rows:
            person = existing.get(r.index)
            if person is None:
                new.append(r)
                continue
            data = r.data(ctx.regions)
            holder = holders.of(r.region)
            key = (person.pk, *(holder.link(actor=ctx.actor, source=SOURCE)[k] for k in _HOLDER_COLUMNS))
            if key in registered_here and same_content(person, data):
                report.count("unchanged")
            else:
                self._register_one(ctx, r, data, holder, report)
        self._create(ctx, new, holders)
        report.created += len(new)

    def _register_one(
        self, ctx: ImportContext, r: PersonRow, data: PersonData, holder: Holder, report: ImportReport
    ) -> None:
        try:
            _person, outcome = person_register(
                actor=ctx.actor, data=data, region=r.region, source=SOURCE, holder=holder
            )
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            report.add_error(r.row, DOCUMENT_NUMBER.header, mask_document(data.document.number), reason)
            return
        report.count(outcome)

    def _create(self, ctx: ImportContext, rows: Sequence[PersonRow], holders: _Holders) -> None:
        """Insert new people, their links and their audit rows: a few statements per chunk."""
        if not rows:
            return
        # Built in a worker (positional values in field order: Django's fastest way in), or here.
        make = cast(Any, Person)
        people = [
            make(*r.prepared.stored) if r.prepared.stored is not None else person_build(r.data(ctx.regions))
            for r in rows
        ]
        insert_rows(Person, [vars(person) for person in people])
        ids = dict(
            Person.objects.filter(
                document_index__in=[p.document_index for p in people], on_file__isnull=True
            ).values_list("document_index", "pk")
        )
        for person in people:
            person.pk = ids[person.document_index]
            person._state.adding = False
        insert_rows(
            PersonLink,
            [
                {
                    **holders.of(r.region).link(actor=ctx.actor, source=SOURCE),
                    "person_id": person.pk,
                    "created_by_id": ctx.actor_id,
                }
                for person, r in zip(people, rows, strict=True)
            ],
        )
        events = (
            EventDetails(target=person, after=self._after(person, r), region_code=holders.of(r.region).region_code)
            for person, r in zip(people, rows, strict=True)
        )
        insert_rows(AuditEvent, list(audit_rows(actor=ctx.actor, verb="person.create", events=events)))

    @staticmethod
    def _after(person: Person, r: PersonRow) -> dict[str, Any]:
        """The audit snapshot of a new person: taken by the worker that built them, where only
        the primary key was still unknown, or here."""
        if r.prepared.after is None:
            return snapshot(person)
        return {**r.prepared.after, "id": person.pk}

    @staticmethod
    def _fallback_region(ctx: ImportContext) -> Region | None:
        """Where a person without a home region in the actor's scope is registered."""
        if ctx.is_console:
            return Region.objects.filter(parent__isnull=True).order_by("code").first()
        return default_region(ctx.actor)

    # Export

    def queryset(self, actor: Actor) -> QuerySet[Person]:
        if isinstance(actor, SystemActor):
            return Scope.everything().filter(Person.objects.select_related("home_region"))
        return person_list(actor)

    def export_rows(self, actor: Actor, *, reveal: bool) -> Iterator[list[Any]]:
        with translation.override("zh-hans"):
            types = {value: str(label) for value, label in DocumentType.choices}
            sexes = {value: str(label) for value, label in Sex.choices}
        people = self.queryset(actor)
        protected = always_masked() if reveal else None
        masked = set(people.filter(protected).values_list("pk", flat=True)) if protected is not None else set()
        for person in people.order_by(*NAME_ORDER).iterator(chunk_size=2000):
            if reveal and person.pk not in masked and person.document_cipher:  # not an anonymised record
                number = decrypt(person.document_cipher, column=DOCUMENT_COLUMN)
                phone = decrypt(person.phone_cipher, column=PHONE_COLUMN) if person.phone_cipher else ""
            else:
                number, phone = person.document_masked, person.phone_masked
            values = {
                "name": person.name,
                "sex": sexes.get(person.sex, ""),
                "age": person.age,
                "document_type": types.get(person.document_type, person.document_type),
                "document_number": number,
                "phone": phone,
                "address": person.address,
                "home_region_name": person.home_region.name if person.home_region else "",
                "home_region": person.home_region.code if person.home_region else "",
            }
            yield [values[column.key] for column in COLUMNS]


_HOLDER_COLUMNS = ("region_id", "department_id", "unit_id")


class _Holders:
    """Whom the importer registers people for, by the region each row is registered in (worked out
    once per region: services.registration_holder)."""

    def __init__(self, ctx: ImportContext) -> None:
        self.actor = ctx.actor
        self._holders: dict[int, Holder] = {}

    def of(self, region: Region) -> Holder:
        holder = self._holders.get(region.pk)
        if holder is None:
            holder = self._holders[region.pk] = registration_holder(self.actor, region)
        return holder


class _Acceptance:
    """The checks that need the whole file or the importer: the same document twice in the file,
    and where each person is registered (their home region if the importer serves there, else
    the importer's own region)."""

    def __init__(self, ctx: ImportContext, fallback: Region | None) -> None:
        self.ctx = ctx
        self.scope = ctx.scope
        self.fallback = fallback
        self.first_row_of: dict[str, int] = {}
        self.registration: dict[str, Region | None] = {}

    def chunk(self, prepared: list[PreparedRow], report: ImportReport) -> list[PersonRow]:
        accepted = []
        for p in prepared:
            problems = p.problems
            region = None
            if p.ok:
                region = self._registration(p.home_code)
                first = self.first_row_of.setdefault(p.index, p.row)
                if first != p.row or region is None:
                    problems = self._problems(p, first, region)
            if problems:
                for key, (value, reason) in problems.items():
                    report.add_error(p.row, _FIELD_COLUMNS[key].header, value, reason)
                continue
            assert region is not None
            accepted.append(PersonRow(p.row, p, region))
        return accepted

    @staticmethod
    def _problems(p: PreparedRow, first: int, region: Region | None) -> dict[str, tuple[str, str]]:
        assert p.fields is not None
        problems = {}
        if first != p.row:
            reason = _("The same document number is already in row %(row)d.") % {"row": first}
            problems["document_number"] = (mask_document(p.fields[2]), reason)
        if region is None:
            problems["home_region"] = (p.home_code, _("You serve in no region where this person could be registered."))
        return problems

    def _registration(self, home_code: str) -> Region | None:
        if home_code not in self.registration:
            home = self.ctx.regions.get(home_code) if home_code else None
            covered = home is not None and (self.ctx.is_console or self.scope.covers_region(home))
            self.registration[home_code] = home if covered else self.fallback
        return self.registration[home_code]


LEDGER = PeopleLedger()
