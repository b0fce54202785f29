"""Writes to the people registry: register (or link), update, reveal. Each is checked and audited."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.edits import VersionConflict
from lianfang.core.prepared import PreparedInsert
from lianfang.core.privacy.cipher import decrypt, encrypt
from lianfang.core.privacy.masking import mask_document, mask_phone
from lianfang.core.regions.models import Department, Region
from lianfang.core.regions.scoping import scope_for

from .identity import Document, DocumentType, normalise_phone, validate_document
from .indexes import DOCUMENT_COLUMN, PHONE_COLUMN, document_index, phone_index
from .models import Person, PersonLink
from .names import pinyin_key

_DOCUMENT_TYPES = frozenset(DocumentType.values)  # the enum builds a new list on every .values
_insert_person = PreparedInsert(Person, conflict="document_index")
_insert_link = PreparedInsert(PersonLink)


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


def _link(*, person: Person, actor: Actor, region: Region, department: Department | None, source: str) -> bool:
    _, created = PersonLink.objects.get_or_create(
        person=person,
        region=region,
        department=department,
        source=source,
        defaults={"created_by": actor if getattr(actor, "pk", None) else None},
    )
    return created


def person_register(
    *,
    actor: Actor,
    data: PersonData,
    region: Region,
    department: Department | None = None,
    source: str = "registry",
) -> tuple[Person, str]:
    """Register a person for a jurisdiction; the same document is the same person.

    Returns the person and what happened: "created", "updated" (the registrant may see the person
    and the row differed), "linked" (known elsewhere: only a registration link is added, and
    nothing of the other record is shown or changed) or "unchanged".
    """
    scope = scope_for(actor) if getattr(actor, "is_authenticated", False) else None
    if scope is not None and not (scope.can_write and scope.covers_region(region)):
        audit_record_refusal(actor=actor, verb="person.register", region_code=region.code)
        raise PermissionDenied(_("You may not register people in %(region)s.") % {"region": region.name})
    # Encrypted and indexed before the transaction, which then holds the write lock only to write.
    person = Person()
    _apply(person, data)
    link = {  # the registration link's columns, written by _insert_link.row() with the person's id
        "region_id": region.pk,
        "department_id": department.pk if department is not None else None,
        "source": source,
        "created_by_id": getattr(actor, "pk", None),
    }
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _register(actor=actor, data=data, person=person, link=link, region=region, department=department)
        except IntegrityError:
            continue  # another request registered the same document at the same moment: link to it
    raise ValidationError({"document_number": [_("This document is being registered by someone else; try again.")]})


def _register(
    *,
    actor: Actor,
    data: PersonData,
    person: Person,
    link: dict[str, Any],
    region: Region,
    department: Department | None,
) -> tuple[Person, str]:
    # Insert first: a new document (the usual case) costs one statement, a known one no error.
    if _insert_person(person):
        _insert_link.row({**link, "person_id": person.pk})
        audit_record(actor=actor, verb="person.create", target=person, after=snapshot(person), region_code=region.code)
        return person, "created"
    existing = Person.objects.select_for_update().filter(document_index=data.document_index).order_by().first()
    if existing is None:  # deleted since the insert met it: start again
        raise IntegrityError("person vanished during registration")
    # Whether the registrant could already see the person decides if the row may change it;
    # a registration from elsewhere only adds its link.
    visible = actor is None or not getattr(actor, "is_authenticated", False) or person_is_visible(actor, existing)
    linked = _link(person=existing, actor=actor, region=region, department=department, source=link["source"])
    if visible and not same_content(existing, data):
        before = snapshot(existing)
        _apply(existing, data)
        existing.version += 1
        existing.save()
        audit_record(actor=actor, verb="person.update", target=existing, before=before, after=snapshot(existing))
        return existing, "updated"
    if linked:
        audit_record(actor=actor, verb="person.link", target=existing, region_code=region.code, detail=link["source"])
        return existing, "linked"
    return existing, "unchanged"


def person_is_visible(actor: Actor, person: Person) -> bool:
    from .selectors import person_list

    return person_list(actor).filter(pk=person.pk).exists()


def person_update(*, actor: Actor, person: Person, data: PersonData, version: int) -> Person:
    """Change a person the actor may see; `version` is the one the editor read (409 if stale)."""
    if not person_is_visible(actor, person) or not scope_for(actor).can_write:
        audit_record_refusal(actor=actor, verb="person.update", target=person)
        raise PermissionDenied(_("You may not change this person."))
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        if current.version != version:
            raise VersionConflict(_("Someone else changed this person since you opened it. Reload and try again."))
        other = Person.objects.filter(document_index=data.document_index).exclude(pk=person.pk).exists()
        if other:
            raise ValidationError({"document_number": [_("Another person already has this document number.")]})
        before = snapshot(current)
        _apply(current, data)
        current.version += 1
        current.save()
        audit_record(actor=actor, verb="person.update", target=current, before=before, after=snapshot(current))
    return current


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
    registrant's jurisdiction, add the registration link and audit each person themselves."""
    person = Person()
    _apply(person, data)
    return person
