"""Writes to the people registry: register (or link), update, reveal. Each is checked and audited."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypinyin import Style, lazy_pinyin

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.edits import VersionConflict
from lianfang.core.prepared import PreparedInsert
from lianfang.core.privacy.cipher import decrypt, encrypt
from lianfang.core.privacy.masking import mask_document, mask_phone
from lianfang.core.regions.models import Department, Region, Role
from lianfang.core.regions.scoping import scope_for
from lianfang.core.units.models import Unit, UnitProfile

from .announcements import announce_pending
from .identity import Document, DocumentType, normalise_phone, validate_document
from .indexes import DOCUMENT_COLUMN, PHONE_COLUMN, document_index, phone_index
from .models import PendingState, Person, PersonLink, with_document
from .names import pinyin_key
from .retention import practice_sources
from .selectors import person_list

_DOCUMENT_TYPES = frozenset(DocumentType.values)  # the enum builds a new list on every .values
_insert_person = PreparedInsert(Person, conflict="document_index")
_insert_link = PreparedInsert(PersonLink)
_PERSON_FIELDS = tuple(f for f in Person._meta.concrete_fields if not f.primary_key)


@dataclass(frozen=True)
class PersonData:
    """A validated person, ready to store: numbers normalised, birth date and sex derived."""

    name: str
    document: Document
    phone: str
    address: str
    home_region: Region | None

    @property
    def document_index(self) -> str:
        return document_index(self.document.type, self.document.number)

    @property
    def phone_index(self) -> str:
        return phone_index(self.phone) if self.phone else ""


def clean_person(
    *,
    name: Any,
    document_number: Any,
    document_type: Any = DocumentType.RESIDENT_ID,
    phone: Any = "",
    address: Any = "",
    home_region: Region | None = None,
    today: dt.date | None = None,
) -> PersonData:
    """Validate every field at once; the ValidationError names each field that is wrong."""
    errors: dict[str, list[str]] = {}
    clean_name = " ".join(str(name or "").split())
    if not clean_name:
        errors["name"] = [_("The name is empty.")]
    elif len(clean_name) > 64:
        errors["name"] = [_("The name is longer than 64 characters.")]
    kind = str(document_type or DocumentType.RESIDENT_ID)
    document = None
    if kind not in _DOCUMENT_TYPES:
        errors["document_type"] = [_("Unknown document type %(type)s.") % {"type": kind}]
    else:
        try:
            document = validate_document(kind, document_number, today=today)
        except ValidationError as error:
            errors["document_number"] = [
                _("The document number is wrong: %(reason)s.") % {"reason": m} for m in error.messages
            ]
    clean_phone = ""
    if str(phone or "").strip():
        try:
            clean_phone = normalise_phone(phone)
        except ValidationError as error:
            errors["phone"] = [_("The mobile number is wrong: %(reason)s.") % {"reason": m} for m in error.messages]
    clean_address = " ".join(str(address or "").split())
    if len(clean_address) > 200:
        errors["address"] = [_("The address is longer than 200 characters.")]
    if errors:
        raise ValidationError(errors)
    assert document is not None
    return PersonData(clean_name, document, clean_phone, clean_address, home_region)


# Pinyin costs more than encrypting a person, and names repeat (a 100,000-row ledger holds far
# fewer distinct names): each name's initials are worked out once per process.
@functools.lru_cache(maxsize=1 << 16)
def _initials(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()[:64]


def _apply(person: Person, data: PersonData) -> None:
    person.name = data.name
    person.name_initials = _initials(data.name)
    person.name_pinyin = pinyin_key(data.name, surname=True)  # person_build's rows are inserted without save()
    person.document_type = data.document.type
    person.document_cipher = encrypt(data.document.number, column=DOCUMENT_COLUMN)
    person.document_index = data.document_index
    person.document_masked = mask_document(data.document.number)
    person.phone_cipher = encrypt(data.phone, column=PHONE_COLUMN) if data.phone else ""
    person.phone_index = data.phone_index
    person.phone_masked = mask_phone(data.phone) if data.phone else ""
    person.address = data.address
    person.home_region = data.home_region
    person.birth_date = data.document.birth_date
    person.sex = data.document.sex or ""


def same_content(person: Person, data: PersonData) -> bool:
    """Compares blind indexes and plain fields, never ciphertexts (they differ on every save)."""
    return (
        person.name == data.name
        and person.document_index == data.document_index
        and person.phone_index == data.phone_index
        and person.address == data.address
        and person.home_region_id == (data.home_region.pk if data.home_region else None)
    )


@dataclass(frozen=True)
class Holder:
    """Whom a registration link shows the person to: a jurisdiction (with the registrant's
    department, for department staff), or an organisation with its supervising department."""

    region: Region | None
    department: Department | None = None
    unit: Unit | None = None

    def link(self, *, actor: Actor, source: str) -> dict[str, Any]:
        """The link's columns but the person's, as _insert_link.row() takes them."""
        return {
            "region_id": self.region.pk if self.region is not None else None,
            "department_id": self.department.pk if self.department is not None else None,
            "unit_id": self.unit.pk if self.unit is not None else None,
            "source": source,
            "created_by_id": getattr(actor, "pk", None),
        }

    @property
    def region_code(self) -> str:
        return self.region.code if self.region is not None else ""


RETIRED = gettext_lazy("This record was anonymised at the end of its retention period and cannot be changed.")

# Roles that register for a jurisdiction; without one, department staff register for their
# department and an organisation's contact for the organisation.
_REGION_ROLES = frozenset({Role.COMMANDER, Role.SUBDISTRICT_STAFF, Role.FIELD_WORKER})


def registration_holder(actor: Actor, region: Region | None) -> Holder:
    """Who the actor registers a person for, given the region the person is registered in.

    Staff of a jurisdiction register for it (`region`); department staff for their department
    (in `region`, so that the department sees whom it registered); an organisation's contact for
    the organisation, whose link names it and its supervising department (and that department's
    region), never the community the organisation stands in (see docs/decisions.md).
    """
    if not getattr(actor, "is_authenticated", False):  # the console and jobs register where told
        return Holder(region)
    grants = scope_for(actor).grants
    if any(g.role in _REGION_ROLES for g in grants):
        return Holder(region)
    department_id = next((g.department_id for g in grants if g.role == Role.DEPARTMENT_STAFF), None)
    if department_id is not None:
        return Holder(region, Department.objects.filter(pk=department_id).first())
    unit_id = next((g.unit_id for g in grants if g.role == Role.UNIT_CONTACT and g.unit_id), None)
    if unit_id is None:
        return Holder(region)
    unit = Unit.objects.get(pk=unit_id)
    supervision = (
        UnitProfile.objects.filter(unit_id=unit_id, department__isnull=False)
        .select_related("department__region")
        .order_by("pk")
        .first()
    )
    department = supervision.department if supervision is not None else None
    return Holder(department.region if department is not None else None, department, unit)


def _link(*, person: Person, link: dict[str, Any]) -> bool:
    """Add the registration link unless the person has it; whether it was added."""
    columns = {k: v for k, v in link.items() if k != "created_by_id"}
    if PersonLink.objects.filter(person=person, **columns).exists():
        return False
    PersonLink.objects.create(person=person, created_by_id=link["created_by_id"], **columns)
    return True


def person_register(
    *,
    actor: Actor,
    data: PersonData,
    region: Region | None,
    source: str = "registry",
    holder: Holder | None = None,
) -> tuple[Person, str]:
    """Register a person; the same document is the same person.

    `region` is where the registrant registers them (for an organisation's contact it is ignored:
    see registration_holder). Returns the person the registrant now holds and what happened:
    "created" (a new record), "updated" (a record the registrant may see, changed by the row),
    "linked" (a record the registrant may see, now registered by them too) or "unchanged".

    A document on file where the registrant may not look gets a record of its own holding what
    they typed, pending until the home jurisdiction joins it to the record on file: the answer is
    "created", as for a new number, and nothing of the record on file is shown or changed.
    """
    holder = holder or registration_holder(actor, region)
    scope = scope_for(actor) if getattr(actor, "is_authenticated", False) else None
    if scope is not None and not (
        scope.can_write and (holder.unit is not None or (region is not None and scope.covers_region(region)))
    ):
        audit_record_refusal(actor=actor, verb="person.register", region_code=region.code if region else "")
        name = region.name if region is not None else "-"
        raise PermissionDenied(_("You may not register people in %(region)s.") % {"region": name})
    # Encrypted and indexed before the transaction, which then holds the write lock only to write.
    built = Person()
    _apply(built, data)
    link = holder.link(actor=actor, source=source)
    for _attempt in range(2):
        person = Person(**{f.attname: getattr(built, f.attname) for f in _PERSON_FIELDS})  # a fresh row each try
        person.home_region = data.home_region  # the region in hand, not looked up again for the answer
        try:
            with transaction.atomic():
                return _register(actor=actor, data=data, person=person, link=link, region_code=holder.region_code)
        except IntegrityError:
            continue  # another request registered the same document at the same moment: link to it
    raise ValidationError({"document_number": [_("This document is being registered by someone else; try again.")]})


def _register(
    *, actor: Actor, data: PersonData, person: Person, link: dict[str, Any], region_code: str
) -> tuple[Person, str]:
    # Insert first: a new document (the usual case) costs one statement, a known one no error.
    if _insert_person(person):
        _insert_link.row({**link, "person_id": person.pk})
        audit_record(actor=actor, verb="person.create", target=person, after=snapshot(person), region_code=region_code)
        return person, "created"
    existing = (
        Person.objects.select_for_update()
        .filter(document_index=data.document_index, on_file__isnull=True)
        .order_by()
        .first()
    )
    if existing is None:  # deleted since the insert met it: start again
        raise IntegrityError("person vanished during registration")
    console = actor is None or not getattr(actor, "is_authenticated", False)
    if console or _holds(actor, existing):
        return _register_known(
            actor=actor, data=data, person=existing, link=link, region_code=region_code, may_change=console or None
        )
    # On file where the registrant may not look: their own pending record, or a new one.
    own = _held(actor, Person.objects.filter(on_file=existing)).order_by("pk").values_list("pk", flat=True).first()
    if own is not None:
        mine = Person.objects.select_for_update().get(pk=own)
        return _register_known(actor=actor, data=data, person=mine, link=link, region_code=region_code)
    person.on_file = existing
    person.pending_state = PendingState.PENDING
    person.save(force_insert=True)
    _insert_link.row({**link, "person_id": person.pk})
    audit_record(actor=actor, verb="person.create", target=person, after=snapshot(person), region_code=region_code)
    _ask_home(actor, person)
    return person, "created"


def _ask_home(actor: Actor, pending: Person) -> None:
    """Record, on the record on file, that a registration waits on it; tell its home jurisdiction."""
    audit_record(actor=actor, verb="person.pending", target=pending.on_file, detail=f"#{pending.pk}")
    announce_pending(pending)


def _held(actor: Actor, people: QuerySet[Person]) -> QuerySet[Person]:
    """The records among `people` that the registrant holds: in their scope, minors included.

    Whether a registration links to a record or waits on it is decided by this, not by what the
    registrant may look at (person_list leaves minors out for most roles): a minor whom they
    registered themselves is theirs, and registering the number again answers as for any number.
    """
    return scope_for(actor).filter(people)


def _holds(actor: Actor, person: Person) -> bool:
    return _held(actor, Person.objects.filter(pk=person.pk)).exists()


def _register_known(
    *,
    actor: Actor,
    data: PersonData,
    person: Person,
    link: dict[str, Any],
    region_code: str,
    may_change: bool | None = None,
) -> tuple[Person, str]:
    """A record the registrant holds (or their own pending one): link it, and change it to the
    row's values where they differ and the registrant may look at it (a minor only for the roles
    that see minors)."""
    linked = _link(person=person, link=link)
    returned = person.pending_state == PendingState.RETURNED
    if may_change is None:
        may_change = person_is_visible(actor, person)
    if returned or (may_change and not same_content(person, data)):
        before = snapshot(person)
        _apply(person, data)
        if returned:  # registered again after it was returned: ask the home jurisdiction again
            person.pending_state, person.pending_note = PendingState.PENDING, ""
        person.version += 1
        person.save()
        audit_record(actor=actor, verb="person.update", target=person, before=before, after=snapshot(person))
        if returned:
            _ask_home(actor, person)
        return person, "updated"
    if linked:
        audit_record(actor=actor, verb="person.link", target=person, region_code=region_code, detail=link["source"])
        return person, "linked"
    return person, "unchanged"


def person_is_visible(actor: Actor, person: Person) -> bool:
    return person_list(actor).filter(pk=person.pk).exists()


def person_update(*, actor: Actor, person: Person, data: PersonData, version: int) -> Person:
    """Change a person the actor may see; `version` is the one the editor read (409 if stale).

    A new document number that is on file where the editor may not look makes the record pending
    on that one, as a registration would: the editor is told "Saved." either way.
    """
    if not person_is_visible(actor, person) or not scope_for(actor).can_write:
        audit_record_refusal(actor=actor, verb="person.update", target=person)
        raise PermissionDenied(_("You may not change this person."))
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        if current.is_retired:
            raise ValidationError({"name": [RETIRED]})
        if current.version != version:
            raise VersionConflict(_("Someone else changed this person since you opened it. Reload and try again."))
        renumbered = current.document_index != data.document_index
        if renumbered and current.pending_records.exists():
            raise ValidationError(
                {"document_number": [_("Registrations of this record wait for confirmation; settle them first.")]}
            )
        # Any record the editor holds with this number, on file or pending, is a duplicate they
        # may be told of; a record on file out of their sight is not, and makes this one pending.
        numbered = Person.objects.filter(with_document([data.document_index])).exclude(pk=current.pk)
        if renumbered and _held(actor, numbered).exists():
            raise ValidationError({"document_number": [_("Another person already has this document number.")]})
        on_file = numbered.filter(on_file__isnull=True).first()
        before = snapshot(current)
        _apply(current, data)
        asked = _settle_pending(current, on_file)
        current.version += 1
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError as error:  # the number was registered at the same moment
            raise ValidationError(
                {"document_number": [_("This document is being registered by someone else; try again.")]}
            ) from error
        audit_record(actor=actor, verb="person.update", target=current, before=before, after=snapshot(current))
        if asked:
            _ask_home(actor, current)
    return current


def _settle_pending(person: Person, on_file: Person | None) -> bool:
    """After an edit: the record is on file if its number is free, else pending on the record that
    holds it (asked again if it had been returned). Whether the home jurisdiction is to be asked."""
    if on_file is None:
        person.on_file, person.pending_state, person.pending_note = None, "", ""
        return False
    ask = person.on_file_id != on_file.pk or person.pending_state == PendingState.RETURNED
    person.on_file, person.pending_state = on_file, PendingState.PENDING
    if ask:
        person.pending_note = ""
    return ask


def withdrawable_links(actor: Actor, person: Person) -> list[PersonLink]:
    """The registrations of the person that the actor holds for their own purpose (made on the
    registry's page, by an import or through the API, for the actor's jurisdiction, department or
    organisation), which the actor may withdraw. A practice's registrations are not among them: its
    records hold the person (retention.py)."""
    scope = scope_for(actor)
    if not scope.can_write:
        return []
    own_regions = {g.region_prefix for g in scope.grants if g.role in _REGION_ROLES}
    mine = []
    for link in person.links.exclude(source__in=practice_sources()).select_related("region").order_by("pk"):
        holder = registration_holder(actor, link.region)
        columns = holder.link(actor=actor, source=link.source)
        if (link.region_id, link.department_id, link.unit_id) != (
            columns["region_id"],
            columns["department_id"],
            columns["unit_id"],
        ):
            continue
        if holder.unit is None and holder.department is None:
            # A jurisdiction withdraws its own registrations, not those of the communities below it.
            if link.region is None or link.region.prefix not in own_regions:
                continue
        elif holder.unit is None and (link.region is None or not scope.covers_region(link.region)):
            continue
        mine.append(link)
    return mine


def person_withdraw(*, actor: Actor, person: Person, reason: str) -> int:
    """Withdraw the actor's own registrations of a person whose purpose has ended (the returnee
    has left, the registration was a mistake). Once nothing holds the person, the retention period
    counts from now. Returns how many registrations were withdrawn."""
    reason = " ".join(str(reason or "").split())
    links = withdrawable_links(actor, person) if person_is_visible(actor, person) else []
    if not links:
        audit_record_refusal(actor=actor, verb="person.withdraw", target=person)
        raise PermissionDenied(_("You hold no registration of this person to withdraw."))
    if len(reason) < 4:
        message = _("Give the reason for withdrawing the registration (at least 4 characters).")
        raise ValidationError({"reason": [message]})
    with transaction.atomic():
        PersonLink.objects.filter(pk__in=[link.pk for link in links]).delete()
        Person.objects.filter(pk=person.pk).update(released_at=timezone.now())
        audit_record(actor=actor, verb="person.withdraw", target=person, detail=f"{len(links)}: {reason}"[:500])
    return len(links)


def person_reveal(*, actor: Actor, person: Person, field: str, reason: str) -> str:
    """Show one full value (document number or phone) to a user with the privilege, for a reason."""
    reason = " ".join(str(reason or "").split())
    scope = scope_for(actor)
    if field not in ("document", "phone"):
        raise ValidationError({"field": [_("Only the document number or the phone can be revealed.")]})
    if not scope.may_reveal or not person_is_visible(actor, person):
        audit_record_refusal(actor=actor, verb="person.reveal", target=person, detail=field)
        raise PermissionDenied(_("You may not reveal this person's full numbers."))
    if len(reason) < 4:
        raise ValidationError({"reason": [_("Give the reason for revealing the full value (at least 4 characters).")]})
    column = DOCUMENT_COLUMN if field == "document" else PHONE_COLUMN
    cipher = person.document_cipher if field == "document" else person.phone_cipher
    if not cipher:
        return ""
    value = decrypt(cipher, column=column)
    audit_record(actor=actor, verb="person.reveal", target=person, detail=f"{field}: {reason}"[:500])
    return value


def person_build(data: PersonData) -> Person:
    """An unsaved Person holding `data` exactly as person_register stores it (encrypted, indexed,
    masked). For bulk imports that insert many new people at once (core.ledgers); they check the
    registrant's jurisdiction, add the registration link (registration_holder) and audit each
    person themselves."""
    person = Person()
    _apply(person, data)
    return person
