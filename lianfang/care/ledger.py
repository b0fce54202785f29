"""The household ledger (家庭台账): households, their members and their vulnerability tags from Excel
and back, the same round trip as the people ledger's (core/ledgers), registered from apps.py.

One row per member: 社区（代码）, 地址, 姓名, 证件类型, 证件号码, 手机号, 与户主关系 (户主, 配偶, 子女,
父母, 孙子女, 其他), 标签 (tags separated by 、: 低保户、独居老人) and 标签有效期至 (when they end; empty:
open-ended). Rows with the same community and address are one household. The community is a
code, a name that only one community or village bears, or both as an export writes them
(济源路社区（410106001001）).

- A row without a person (姓名 and 证件号码 empty) is the household's own: its tags are on the
  whole household, and a household with no member yet is such a row alone.
- A person's further rows (same household, name and relation) carry tags with another end date:
  one 标签有效期至 per row, so an export writes one row per end date.
- An empty 与户主关系 keeps a member's relation (其他 for a new member).
- A row naming a member already in the household is that member. Their registry record is
  registered again (person_register: updated or linked) only if the registry shows them to the
  importer; else (a field worker sees only whom they registered) it is left as it is, rather than
  registered again as a pending record.
- The ledger adds and changes; it removes nothing. A member missing from the file stays, and so
  does a tag missing from a row; a tag that is there with another end date gets that date.
- Imported tags come from 民政名单 (TagSource.CIVIL_AFFAIRS).

Every row is checked first (the cells, clean_person, the community, and whether the importer may
work and see tags there); then the rows are written through the care services (household_save,
household_member_add, tag_add, tag_end) and the people registry's person_register, household by
household, so tiers and visit duties follow and every refusal is the service's own. A head is
put in after the other members, so that a file may hand the household to a new head. Rows are
written even when others are bad, so that the report lists the services' refusals too (two heads,
say); ledger_import then rolls everything back.

Tags are sensitive: only who may see them in the community (permissions.sees_sensitive_in) may
import the 标签 columns, and only who may see them in every community of their households may
export the ledger; anyone else is refused, naming the column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet, TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.accounts.actors import Actor, SystemActor
from lianfang.core.audit.labels import register_details
from lianfang.core.audit.services import audit_record_refusal
from lianfang.core.ledgers import cells
from lianfang.core.ledgers.columns import Column, ColumnMap
from lianfang.core.ledgers.importing import ImportContext, messages_of, region_cell
from lianfang.core.ledgers.people import shown
from lianfang.core.ledgers.registry import register_ledger
from lianfang.core.ledgers.reports import ImportReport
from lianfang.core.ledgers.workbooks import Cell
from lianfang.core.people.always_masked import always_masked
from lianfang.core.people.identity import DocumentType
from lianfang.core.people.indexes import DOCUMENT_COLUMN, PHONE_COLUMN
from lianfang.core.people.models import Person
from lianfang.core.people.selectors import person_list
from lianfang.core.people.services import PersonData, clean_person, person_is_visible, person_register
from lianfang.core.privacy.cipher import decrypt
from lianfang.core.privacy.masking import mask_document, mask_phone
from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import scope_for

from .models import CareRoleKind, Household, Member, Relation, Tag
from .permissions import CARE_WORK_ROLES, care_prefixes, sees_sensitive_in, works_in
from .selectors import household_list
from .services import HOUSEHOLD_REGIONS, household_member_add, household_save, tag_add, tag_end
from .states import TagKind, TagSource

KIND = "households"
# The registration link's source of the people the ledger registers.
SOURCE = "care"

COMMUNITY = Column(
    "社区（代码）",
    "community",
    required=True,
    text=True,
    aliases=("社区", "社区代码", "村（社区）", "社区（村）", "村（社区）代码", "所属社区", "区划代码"),
)
ADDRESS = Column("地址", "address", required=True, aliases=("家庭住址", "家庭地址", "住址", "现住址", "居住地址"))
NAME = Column("姓名", "name", required=True, aliases=("名字", "成员姓名"))
DOCUMENT_TYPE = Column("证件类型", "document_type")
DOCUMENT_NUMBER = Column(
    "证件号码",
    "document_number",
    required=True,
    text=True,
    aliases=("身份证号", "身份证号码", "公民身份号码", "证件号"),
)
PHONE = Column("手机号", "phone", text=True, aliases=("手机号码", "手机", "联系电话", "电话"))
RELATION = Column("与户主关系", "relation", aliases=("与户主的关系", "关系", "家庭关系"))
TAGS = Column("标签", "tags", aliases=("困难类别", "标签类别"))
VALID_UNTIL = Column("标签有效期至", "valid_until", aliases=("有效期至", "标签有效期"))
COLUMNS = (
    COMMUNITY,
    ADDRESS,
    NAME,
    DOCUMENT_TYPE,
    DOCUMENT_NUMBER,
    Column("年龄", "age", informational=True),
    PHONE,
    RELATION,
    TAGS,
    VALID_UNTIL,
)
_KEYS = ("community", "address", "name", "document_type", "document_number", "phone", "relation", "tags", "valid_until")
_FIELD_COLUMNS = {c.key: c for c in COLUMNS if not c.informational}
_PERSON_KEYS = ("name", "document_type", "document_number", "phone")
# The sensitive columns: only who may see the tags in a community imports or exports them.
TAG_COLUMNS = (TAGS, VALID_UNTIL)
# Which column an error of a service names: clean_person's, household_save's, tag_add's fields.
_SERVICE_FIELDS = {
    "name": NAME,
    "document_type": DOCUMENT_TYPE,
    "document_number": DOCUMENT_NUMBER,
    "phone": PHONE,
    "address": ADDRESS,
    "region": COMMUNITY,
    "relation": RELATION,
    "kind": TAGS,
    "source": TAGS,
    "person": NAME,
    "valid_from": VALID_UNTIL,
    "valid_until": VALID_UNTIL,
}
ADDRESS_LENGTH = Household._meta.get_field("address").max_length or 200

# The words the ledger writes for a relation and a tag (a 民政名单's words), and other spellings
# it reads; a choice's code and its Chinese and English labels are read too.
RELATION_WORDS: dict[str, str] = {
    Relation.HEAD: "户主",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母",
    Relation.GRANDCHILD: "孙子女",
    Relation.OTHER: "其他",
}
RELATION_SPELLINGS: dict[str, str] = {
    "本人": Relation.HEAD,
    "户主本人": Relation.HEAD,
    "妻": Relation.SPOUSE,
    "妻子": Relation.SPOUSE,
    "夫": Relation.SPOUSE,
    "丈夫": Relation.SPOUSE,
    "子": Relation.CHILD,
    "女": Relation.CHILD,
    "儿子": Relation.CHILD,
    "女儿": Relation.CHILD,
    "父亲": Relation.PARENT,
    "母亲": Relation.PARENT,
    "孙子": Relation.GRANDCHILD,
    "孙女": Relation.GRANDCHILD,
    "外孙子女": Relation.GRANDCHILD,
    "外孙": Relation.GRANDCHILD,
    "外孙女": Relation.GRANDCHILD,
}
TAG_WORDS: dict[str, str] = {
    TagKind.DIBAO: "低保户",
    TagKind.TEKUN: "特困供养",
    TagKind.DIBAO_EDGE: "低保边缘",
    TagKind.STRUGGLING_MERCHANT: "困难商户",
    TagKind.LIVING_ALONE: "独居老人",
    TagKind.EMPTY_NEST: "空巢老人",
    TagKind.VERY_OLD: "高龄老人",
    TagKind.DISABLED_COGNITIVE: "失能失智",
    TagKind.SEVERE_DISABILITY: "重度残疾",
    TagKind.CHILD_IN_DIFFICULTY: "困境儿童",
    TagKind.PREGNANT: "孕产妇",
    TagKind.CHRONIC_MEDICATION: "慢性病需长期服药",
    TagKind.CRITICAL_ILLNESS: "危重疾病",
}
TAG_SPELLINGS: dict[str, str] = {
    "低保": TagKind.DIBAO,
    "低保家庭": TagKind.DIBAO,
    "特困": TagKind.TEKUN,
    "特困人员": TagKind.TEKUN,
    "独居": TagKind.LIVING_ALONE,
    "空巢": TagKind.EMPTY_NEST,
    "高龄": TagKind.VERY_OLD,
}
_DOCUMENT_SPELLINGS: dict[str, str] = {"身份证": DocumentType.RESIDENT_ID, "二代身份证": DocumentType.RESIDENT_ID}
# 济源路社区（410106001001）: a name with its code, as the export writes a community.
_NAMED_CODE = re.compile(r"^(.*?)\((\d{12})\)$")


class Words:
    """A set of choices as the ledger spells them: the word an export writes for each, and every
    spelling an import reads (the words, other spellings, the codes, the labels)."""

    def __init__(self, choices: type[TextChoices], words: dict[str, str], spellings: dict[str, str]) -> None:
        known = cells.Choices(choices)
        self.words = {code: words.get(code, label) for code, label in known.labels.items()}
        self.lookup = dict(known.lookup)
        self.lookup.update({cells.normalise_label(word): code for code, word in self.words.items()})
        self.lookup.update({cells.normalise_label(spelling): code for spelling, code in spellings.items()})
        self.listed = "、".join(self.words.values())
        self.order = {code: i for i, code in enumerate(self.words)}

    def get(self, value: Any) -> str | None:
        return self.lookup.get(cells.normalise_label(value))

    def shown(self, codes: Sequence[str]) -> str:
        """Codes as the ledger writes them, in declaration order, each once."""
        ordered = sorted(set(codes), key=lambda code: self.order.get(code, len(self.order)))
        return "、".join(self.words.get(code, code) for code in ordered)


def may_import(user: Any) -> bool:
    """Does care work somewhere: a commander, subdistrict staff or field worker, or a care role."""
    if isinstance(user, SystemActor):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if any(g.role in CARE_WORK_ROLES for g in scope_for(user).grants):
        return True
    return bool(care_prefixes(user, tuple(CareRoleKind)))


@dataclass
class CheckedRow:
    """A row whose cells are good: its household's key, its person (None for the household's own
    row), and what it says of them."""

    row: int
    region: Region
    address: str
    person: PersonData | None
    relation: str  # a Relation, or "" to keep the member's
    tags: list[str]
    valid_until: dt.date | None
    first_row: int | None = None  # a person's further row: the row that put them in

    @property
    def household_key(self) -> tuple[int, str]:
        return (self.region.pk, self.address)


@dataclass
class _Group:
    """The rows of one household, in the order they are written."""

    region: Region
    address: str
    rows: list[CheckedRow] = field(default_factory=list)

    def ordered(self) -> list[CheckedRow]:
        """The household's own rows and members first, then the head (so that a file may hand the
        household to a new head after the old one became a spouse), then further rows."""
        firsts = [r for r in self.rows if r.first_row is None]
        return (
            [r for r in firsts if r.relation != Relation.HEAD]
            + [r for r in firsts if r.relation == Relation.HEAD]
            + [r for r in self.rows if r.first_row is not None]
        )


class _Communities:
    """Communities and villages by the cell that names them, worked out once per distinct cell."""

    def __init__(self, regions: dict[str, Region]) -> None:
        self.regions = regions
        self.by_name: dict[str, list[Region]] = {}
        for region in regions.values():
            if region.level in HOUSEHOLD_REGIONS:
                self.by_name.setdefault(cells.normalise_label(region.name), []).append(region)
        self._found: dict[Cell, tuple[Region | None, str | None]] = {}

    def find(self, raw: Cell) -> tuple[Region | None, str | None]:
        if raw not in self._found:
            self._found[raw] = self._find(raw)
        return self._found[raw]

    def _find(self, raw: Cell) -> tuple[Region | None, str | None]:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return self._by_code(raw)
        text = "".join(unicodedata.normalize("NFKC", cells.text(raw)).split())
        if not text:
            return None, _("Give the community's 12-digit code or its name.")
        if text.isdigit():
            return self._by_code(text)
        named = _NAMED_CODE.match(text)
        if named is not None:
            region, problem = self._by_code(named.group(2))
            name = named.group(1)
            if region is not None and name and cells.normalise_label(name) != cells.normalise_label(region.name):
                return None, _("The name does not match the code: %(code)s is %(name)s.") % {
                    "code": region.code,
                    "name": region.name,
                }
            return region, problem
        found = self.by_name.get(cells.normalise_label(text), [])
        if not found:
            return None, _("No community or village has this name; give its 12-digit code.")
        if len(found) > 1:
            return None, _("Several communities or villages have this name; give the 12-digit code.")
        return found[0], None

    def _by_code(self, value: Cell) -> tuple[Region | None, str | None]:
        try:
            return region_cell(self.regions, value, required=True), None
        except ValidationError as error:
            return None, " ".join(error.messages)


class _Allowed:
    """Where the importer does care work and sees tags, asked once per community."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self._works: dict[int, bool] = {}
        self._sees: dict[int, bool] = {}

    def works_in(self, region: Region) -> bool:
        if region.pk not in self._works:
            self._works[region.pk] = works_in(self.actor, region)
        return self._works[region.pk]

    def sees_tags_in(self, region: Region) -> bool:
        if region.pk not in self._sees:
            self._sees[region.pk] = sees_sensitive_in(self.actor, region)
        return self._sees[region.pk]


def _tags_refused(region: Region, column: Column) -> str:
    return _(
        "Only care staff and those who may see sensitive records in %(community)s may import the %(column)s "
        "column (vulnerability tags are sensitive)."
    ) % {"community": region.name, "column": column.header}


class HouseholdsLedger:
    kind = KIND
    title = "家庭台账"
    columns: Sequence[Column] = COLUMNS

    def __init__(self) -> None:
        self._words: tuple[Words, Words, dict[str, str]] | None = None

    def words(self) -> tuple[Words, Words, dict[str, str]]:
        """Relations, tags and document types as the ledger spells them (built on first use: the
        labels are read in Chinese and English)."""
        if self._words is None:
            types = cells.Choices(DocumentType)
            lookup = dict(types.lookup)
            lookup.update({cells.normalise_label(k): v for k, v in _DOCUMENT_SPELLINGS.items()})
            self._words = (
                Words(Relation, RELATION_WORDS, RELATION_SPELLINGS),
                Words(TagKind, TAG_WORDS, TAG_SPELLINGS),
                lookup,
            )
        return self._words

    def check_permission(self, actor: Actor) -> None:
        if not may_import(actor):
            audit_record_refusal(actor=actor, verb="ledger.import", detail=KIND)
            raise PermissionDenied(_("You may not import households."))

    def run(
        self, ctx: ImportContext, rows: Sequence[tuple[int, list[Cell]]], columns: ColumnMap, report: ImportReport
    ) -> None:
        """Check every row; then write the good ones household by household through the services
        (see the module's docstring), reporting what they refuse."""
        checked = self.check(ctx, rows, columns, report)
        _Writer(ctx, report).write(checked)

    # Checking

    def check(
        self, ctx: ImportContext, rows: Sequence[tuple[int, list[Cell]]], columns: ColumnMap, report: ImportReport
    ) -> list[CheckedRow]:
        relations, tags, document_types = self.words()
        read = columns.reader(_KEYS)
        communities = _Communities(ctx.regions)
        allowed = _Allowed(ctx.actor)
        first_of: dict[str, CheckedRow] = {}
        checked: list[CheckedRow] = []
        for done, (row, cells_) in enumerate(rows, start=1):
            ctx.tick(done)
            raw = dict(zip(_KEYS, read(cells_), strict=True))
            problems: dict[str, str] = {}
            region, problem = communities.find(raw["community"])
            if problem:
                problems["community"] = problem
            elif region is not None and not allowed.works_in(region):
                problems["community"] = _("This community is outside your care area.")
            address = cells.text(raw["address"])[:ADDRESS_LENGTH]
            relation = self._relation(raw, relations, problems)
            kinds, valid_until = self._tags(raw, tags, problems)
            if region is not None and not allowed.sees_tags_in(region):
                for column in TAG_COLUMNS:
                    if cells.text(raw[column.key]):
                        problems[column.key] = _tags_refused(region, column)
            # A row naming nobody is the household's own.
            names_someone = any(cells.text(raw[key]) for key in _PERSON_KEYS)
            person = self._person(ctx, raw, region, address, document_types, problems) if names_someone else None
            if not names_someone and relation:
                problems["relation"] = _(
                    "This row names no person (its %(name)s and %(number)s are empty): it is the household's "
                    "own row and has no relation to the head."
                ) % {"name": NAME.header, "number": DOCUMENT_NUMBER.header}
            first = first_of.get(person.document_index) if person is not None else None
            if first is not None and not self._further(first, region, address, person, relation):
                problems["document_number"] = _(
                    "The same document number is already in row %(row)d. A person's further rows only add "
                    "tags, with the same household, name, phone and relation."
                ) % {"row": first.row}
            if problems:
                for key, reason in problems.items():
                    report.add_error(row, _FIELD_COLUMNS[key].header, shown(key, raw[key]), reason)
                continue
            assert region is not None
            good = CheckedRow(row, region, address, person, relation, kinds, valid_until)
            if first is not None:
                good.first_row = first.row
            elif person is not None:
                first_of[person.document_index] = good
            checked.append(good)
        return checked

    @staticmethod
    def _relation(raw: dict[str, Cell], relations: Words, problems: dict[str, str]) -> str:
        """The relation to the head, or "" for none given."""
        if not cells.text(raw["relation"]):
            return ""
        relation = relations.get(raw["relation"])
        if relation is None:
            problems["relation"] = _("Unknown relation %(value)s; use one of: %(relations)s.") % {
                "value": cells.text(raw["relation"])[:20],
                "relations": relations.listed,
            }
        return relation or ""

    @staticmethod
    def _tags(raw: dict[str, Cell], tags: Words, problems: dict[str, str]) -> tuple[list[str], dt.date | None]:
        """The tags (each once) and the date they end."""
        kinds: list[str] = []
        for label in cells.split_list(raw["tags"]):
            kind = tags.get(label)
            if kind is None:
                problems["tags"] = _("Unknown tag %(tag)s; use one or more of: %(tags)s.") % {
                    "tag": label[:20],
                    "tags": tags.listed,
                }
            elif kind not in kinds:
                kinds.append(kind)
        valid_until = None
        try:
            valid_until = cells.date(raw["valid_until"])
        except cells.CellError as error:
            problems["valid_until"] = str(error)
        if valid_until is not None and not kinds and "tags" not in problems:
            problems["valid_until"] = _("This date has no tag: name the tags it ends in the %(column)s column.") % {
                "column": TAGS.header
            }
        return kinds, valid_until

    @staticmethod
    def _person(
        ctx: ImportContext,
        raw: dict[str, Cell],
        region: Region | None,
        address: str,
        document_types: dict[str, str],
        problems: dict[str, str],
    ) -> PersonData | None:
        """The row's person through clean_person; None, with the problems noted, if it is wrong."""
        document_type = DocumentType.RESIDENT_ID
        if cells.text(raw["document_type"]):
            found = document_types.get(cells.normalise_label(raw["document_type"]))
            if found is None:
                problems["document_type"] = _("Unknown document type; use one of: %(types)s.") % {
                    "types": "、".join(str(label) for label in DocumentType.labels)
                }
            else:
                document_type = DocumentType(found)
        number = phone = ""
        try:
            number = cells.long_number(raw["document_number"])
        except cells.CellError as error:
            problems["document_number"] = str(error)
        try:
            phone = cells.phone(raw["phone"])
        except cells.CellError as error:
            problems["phone"] = str(error)
        try:
            return clean_person(
                name=cells.text(raw["name"]),
                document_type=document_type,
                document_number=number,
                phone=phone,
                address=address,
                home_region=region,
                today=ctx.today,
            )
        except ValidationError as error:
            for key, messages in messages_of(error).items():
                column = _SERVICE_FIELDS.get(key, NAME)
                # A cell already refused (or a number checked against the wrong type) says it once.
                if column.key not in problems and not (key == "document_number" and "document_type" in problems):
                    problems[column.key] = " ".join(messages)
            return None

    @staticmethod
    def _further(
        first: CheckedRow, region: Region | None, address: str, person: PersonData | None, relation: str
    ) -> bool:
        """Is this row the same member again (for tags with another end date)?"""
        return (
            region is not None
            and person is not None
            and first.household_key == (region.pk, address)
            and first.person is not None
            and first.person.name == person.name
            and person.phone in ("", first.person.phone)
            and relation in ("", first.relation)
        )

    # Export

    def households(self, actor: Actor) -> QuerySet[Household]:
        if isinstance(actor, SystemActor):
            return Household.objects.select_related("region")
        return household_list(actor)

    def check_export(self, actor: Actor) -> None:
        """Refuse (naming the column) an actor who may not see the tags of every community exported."""
        if isinstance(actor, SystemActor):
            return
        households = self.households(actor)
        for region in Region.objects.filter(pk__in=households.values("region_id")).order_by("code"):
            if not sees_sensitive_in(actor, region):
                audit_record_refusal(actor=actor, verb="ledger.export", detail=KIND, region_code=region.code)
                raise PermissionDenied(
                    _(
                        "You may not export the %(column)s column: vulnerability tags in %(community)s are shown "
                        "only to its care staff and to those who may see sensitive records there."
                    )
                    % {"column": TAGS.header, "community": region.name}
                )

    def export_rows(self, actor: Actor, *, reveal: bool) -> Iterator[list[Any]]:
        self.check_export(actor)
        households = self.households(actor)
        relations, tags, _types = self.words()
        with translation.override("zh-hans"):
            document_types = {value: str(label) for value, label in DocumentType.choices}
        today = timezone.localdate()
        valid = _valid_on(Tag.objects.all(), today)
        members = Member.objects.filter(household__in=households.values("pk"))
        full = self._revealed(actor, members) if reveal else set()
        rows = households.order_by("region__code", "address", "id").prefetch_related(
            Prefetch("members", queryset=Member.objects.select_related("person").order_by("id")),
            Prefetch("tags", queryset=valid.order_by("id"), to_attr="valid_tags"),
        )
        order = {code: i for i, code in enumerate(RELATION_WORDS)}
        for household in rows.iterator(chunk_size=500):
            place = {"community": f"{household.region.name}（{household.region.code}）", "address": household.address}
            by_person: dict[int | None, dict[dt.date | None, list[str]]] = {}
            for tag in household.valid_tags:
                by_person.setdefault(tag.person_id, {}).setdefault(tag.valid_until, []).append(tag.kind)
            people = sorted(household.members.all(), key=lambda m: (order.get(m.relation, len(order)), m.pk))
            # The household's own rows: its own tags, or the household alone while it has no member.
            own = by_person.get(None, {})
            for until, kinds in _by_date(own) or ([] if people else [(None, [])]):
                yield self._row({**place, "tags": tags.shown(kinds), "valid_until": _date(until)})
            for member in people:
                person = member.person
                values = {
                    **place,
                    "name": person.name,
                    "document_type": document_types.get(person.document_type, person.document_type),
                    "age": person.age,
                    "relation": relations.words.get(member.relation, member.relation),
                    **self._numbers(person, person.pk in full),
                }
                for until, kinds in _by_date(by_person.get(person.pk, {})) or [(None, [])]:
                    yield self._row({**values, "tags": tags.shown(kinds), "valid_until": _date(until)})

    @staticmethod
    def _row(values: dict[str, Any]) -> list[Any]:
        return [values.get(column.key, "") for column in COLUMNS]

    @staticmethod
    def _numbers(person: Person, full: bool) -> dict[str, str]:
        if full:
            phone = decrypt(person.phone_cipher, column=PHONE_COLUMN) if person.phone_cipher else ""
            return {"document_number": decrypt(person.document_cipher, column=DOCUMENT_COLUMN), "phone": phone}
        return {"document_number": person.document_masked, "phone": person.phone_masked}

    @staticmethod
    def _revealed(actor: Actor, members: QuerySet[Member]) -> set[int]:
        """The members whose full numbers an unmasked export shows: those the actor may see in the
        registry, but never the people a practice protects (always_masked)."""
        people = Person.objects.all() if isinstance(actor, SystemActor) else person_list(actor)
        people = people.filter(pk__in=members.values("person_id"))
        protected = always_masked()
        if protected is not None:
            people = people.exclude(protected)
        return set(people.values_list("pk", flat=True))


def _valid_on(tags: QuerySet[Tag], day: dt.date) -> QuerySet[Tag]:
    return tags.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def _by_date(kinds_by_date: dict[dt.date | None, list[str]]) -> list[tuple[dt.date | None, list[str]]]:
    """Tags grouped by their end date: the open-ended first, then by date."""
    return sorted(kinds_by_date.items(), key=lambda item: (item[0] is not None, item[0] or dt.date.min))


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


class _Writer:
    """Writes the checked rows household by household through the services, counting each row's
    outcome and reporting what a service refuses against the row and its column."""

    def __init__(self, ctx: ImportContext, report: ImportReport) -> None:
        self.ctx = ctx
        self.actor = ctx.actor
        self.report = report
        self.members: dict[int, Person] = {}  # a person's first row -> the person registered
        self.head_row: dict[int, int] = {}  # household -> the row of the file that made its head

    def write(self, rows: list[CheckedRow]) -> None:
        groups: dict[tuple[int, str], _Group] = {}
        for r in rows:
            groups.setdefault(r.household_key, _Group(r.region, r.address)).rows.append(r)
        existing = self._existing(list(groups))
        done = 0
        for key, group in groups.items():
            household = existing.get(key) or self._household(group)
            if household is not None:
                valid = self._valid_tags(household)
                here_already = {
                    m.person.document_index: m for m in household.members.select_related("person").order_by("pk")
                }
                for r in group.ordered():
                    self._row(household, r, valid, here_already, created=key not in existing)
            done += len(group.rows)
            self.ctx.tick(done)

    @staticmethod
    def _existing(keys: list[tuple[int, str]]) -> dict[tuple[int, str], Household]:
        found: dict[tuple[int, str], Household] = {}
        wanted = set(keys)
        addresses = sorted({address for _region, address in keys})
        for start in range(0, len(addresses), 500):
            for household in Household.objects.filter(address__in=addresses[start : start + 500]).select_related(
                "region"
            ):
                if (household.region_id, household.address) in wanted:
                    found[(household.region_id, household.address)] = household
        return found

    def _household(self, group: _Group) -> Household | None:
        try:
            return household_save(actor=self.actor, region=group.region, address=group.address)
        except ValidationError as error:
            for r in group.rows:
                self._refused(r, error)
        except PermissionDenied as error:
            for r in group.rows:
                self._error(r, COMMUNITY, str(error))
        return None

    def _valid_tags(self, household: Household) -> list[Tag]:
        return list(_valid_on(household.tags.all(), self.ctx.today))

    def _row(
        self,
        household: Household,
        r: CheckedRow,
        valid: list[Tag],
        here_already: dict[str, Member],
        *,
        created: bool,
    ) -> None:
        outcome = "created" if created else "unchanged"
        person: Person | None = None
        if r.first_row is not None:
            person = self.members.get(r.first_row)
            if person is None:  # its first row was refused, and says why
                return
        elif r.person is not None:
            member_outcome = self._member(household, r, here_already)
            if member_outcome is None:
                return
            person, how = member_outcome
            outcome = _stronger(outcome, how)
        changed = self._tags(household, r, person, valid)
        if changed is None:
            return
        self.report.count(_stronger(outcome, "updated") if changed else outcome)

    def _member(
        self, household: Household, r: CheckedRow, here_already: dict[str, Member]
    ) -> tuple[Person, str] | None:
        """The row's person registered (or found) and put in the household; None if refused."""
        assert r.person is not None
        member = here_already.get(r.person.document_index)
        if member is not None and not (self.ctx.is_console or person_is_visible(self.actor, member.person)):
            # A member the registry does not show the importer (see the module's docstring).
            person, how = member.person, "unchanged"
        else:
            try:
                person, how = person_register(actor=self.actor, data=r.person, region=r.region, source=SOURCE)
            except ValidationError as error:
                self._refused(r, error, fallback=DOCUMENT_NUMBER)
                return None
            except PermissionDenied as error:
                self._error(r, DOCUMENT_NUMBER, str(error))
                return None
            member = Member.objects.filter(person=person).first()
        here = member is not None and member.household_id == household.pk
        relation = r.relation or (member.relation if member is not None and here else Relation.OTHER)
        if not here or member is None or member.relation != relation:
            try:
                household_member_add(actor=self.actor, household=household, person=person, relation=relation)
            except ValidationError as error:
                if relation == Relation.HEAD and household.pk in self.head_row:
                    note = _("Its head is in row %(row)d.") % {"row": self.head_row[household.pk]}
                    error = _with_note(error, "relation", note)
                self._refused(r, error, fallback=RELATION)
                return None
            except PermissionDenied as error:
                self._error(r, COMMUNITY, str(error))
                return None
            how = _stronger(how, "created" if member is None else "updated")
        if relation == Relation.HEAD:
            self.head_row.setdefault(household.pk, r.row)
        self.members[r.row] = person
        # The ledger counts what it did to households: a registration link alone is an update.
        return person, "updated" if how == "linked" else how

    def _tags(self, household: Household, r: CheckedRow, person: Person | None, valid: list[Tag]) -> bool | None:
        """The row's tags on the person (or the household): whether any was added or changed; None
        if a service refused one."""
        changed = False
        person_id = person.pk if person is not None else None
        for kind in r.tags:
            same = [t for t in valid if t.kind == kind and t.person_id == person_id]
            if any(t.valid_until == r.valid_until for t in same):
                continue
            try:
                if same and r.valid_until is not None:
                    # The list gives the tag another end: the one with an end date, else the open one.
                    tag = max(same, key=lambda t: (t.valid_until is not None, t.valid_until or dt.date.min, t.pk))
                    tag_end(actor=self.actor, tag=tag, last_day=r.valid_until)
                else:
                    valid.append(
                        tag_add(
                            actor=self.actor,
                            household=household,
                            kind=kind,
                            source=TagSource.CIVIL_AFFAIRS,
                            person=person,
                            valid_until=r.valid_until,
                        )
                    )
            except ValidationError as error:
                self._refused(r, error, fallback=TAGS)
                return None
            except PermissionDenied as error:
                self._error(r, TAGS, str(error))
                return None
            changed = True
        return changed

    def _refused(self, r: CheckedRow, error: ValidationError, *, fallback: Column = COMMUNITY) -> None:
        for key, messages in messages_of(error).items():
            self._error(r, _SERVICE_FIELDS.get(key, fallback), " ".join(messages))

    def _error(self, r: CheckedRow, column: Column, reason: str) -> None:
        self.report.add_error(r.row, column.header, self._value(r, column), reason)

    @staticmethod
    def _value(r: CheckedRow, column: Column) -> str:
        person = r.person
        if column is COMMUNITY:
            return r.region.code
        if column is ADDRESS:
            return r.address[:100]
        if column is VALID_UNTIL:
            return _date(r.valid_until)
        if column is TAGS:
            return "、".join(TAG_WORDS.get(kind, kind) for kind in r.tags)
        if column is RELATION:
            return RELATION_WORDS.get(r.relation, "")
        if person is None:
            return ""
        if column is DOCUMENT_NUMBER:
            return mask_document(person.document.number)
        if column is PHONE:
            return mask_phone(person.phone) if person.phone else ""
        return person.name if column is NAME else ""


_RANK = {"unchanged": 0, "linked": 1, "updated": 2, "created": 3}


def _stronger(a: str, b: str) -> str:
    """A row's outcome: created over updated over linked over unchanged."""
    return a if _RANK.get(a, 0) >= _RANK.get(b, 0) else b


def _with_note(error: ValidationError, key: str, note: str) -> ValidationError:
    messages = messages_of(error)
    messages[key] = [*messages.get(key, []), note]
    return ValidationError(messages)


LEDGER = HouseholdsLedger()
register_ledger(KIND, LEDGER, label=gettext_lazy("Households"), offered_to=may_import)
register_details({KIND: gettext_lazy("Households")})
