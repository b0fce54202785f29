"""Writes to the organisation registry. The same credit code is the same unit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from lianfang.core.accounts.actors import Actor
from lianfang.core.audit.services import audit_record, audit_record_refusal, snapshot
from lianfang.core.edits import VersionConflict
from lianfang.core.people.models import Person
from lianfang.core.people.names import pinyin_key
from lianfang.core.people.retention import person_released
from lianfang.core.regions.models import Department, Region
from lianfang.core.regions.scoping import scope_for

from .credit_code import validate_credit_code
from .models import Unit, UnitKind, UnitProfile


@dataclass(frozen=True)
class UnitData:
    name: str
    credit_code: str | None
    address: str
    region: Region
    kinds: tuple[str, ...]
    contact: Person | None


def clean_unit(
    *,
    name: Any,
    region: Region | None,
    kinds: Any,
    credit_code: Any = "",
    address: Any = "",
    contact: Person | None = None,
) -> UnitData:
    """Validate every field at once; the ValidationError names each field that is wrong."""
    errors: dict[str, list[str]] = {}
    clean_name = " ".join(str(name or "").split())
    if not clean_name:
        errors["name"] = [_("The name is empty.")]
    elif len(clean_name) > 100:
        errors["name"] = [_("The name is longer than 100 characters.")]
    code = None
    if str(credit_code or "").strip():
        try:
            code = validate_credit_code(credit_code)
        except ValidationError as error:
            errors["credit_code"] = [_("The credit code is wrong: %(reason)s.") % {"reason": m} for m in error.messages]
    if region is None:
        errors["region"] = [_("The region is missing or unknown.")]
    clean_kinds = tuple(dict.fromkeys(str(k).strip() for k in (kinds or []) if str(k).strip()))
    unknown = [k for k in clean_kinds if k not in UnitKind.values]
    if not clean_kinds:
        errors["kinds"] = [_("Give at least one kind of organisation.")]
    elif unknown:
        errors["kinds"] = [_("Unknown kinds of organisation: %(kinds)s.") % {"kinds": "、".join(unknown)}]
    clean_address = " ".join(str(address or "").split())
    if len(clean_address) > 200:
        errors["address"] = [_("The address is longer than 200 characters.")]
    if errors:
        raise ValidationError(errors)
    assert region is not None
    return UnitData(clean_name, code, clean_address, region, clean_kinds, contact)


def _initials(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()[:100]


def supervising_department(*kinds: str) -> Department | None:
    """The department that supervises organisations of any of these kinds (区市场监管局 for the
    small shops), with its region."""
    for department in Department.objects.select_related("region").order_by("pk"):
        if set(kinds) & set(department.supervises or []):
            return department
    return None


def _apply(unit: Unit, data: UnitData) -> None:
    unit.name = data.name
    unit.name_initials = _initials(data.name)
    unit.name_pinyin = pinyin_key(data.name)
    unit.credit_code = data.credit_code
    unit.address = data.address
    unit.region = data.region
    unit.contact = data.contact


def _set_kinds(unit: Unit, kinds: tuple[str, ...]) -> None:
    unit.profiles.exclude(kind__in=kinds).delete()
    have = set(unit.profiles.values_list("kind", flat=True))
    UnitProfile.objects.bulk_create(
        UnitProfile(unit=unit, kind=kind, department=supervising_department(kind)) for kind in kinds if kind not in have
    )


def same_content(unit: Unit, data: UnitData) -> bool:
    return (
        unit.name == data.name
        and unit.credit_code == data.credit_code
        and unit.address == data.address
        and unit.region_id == data.region.pk
        and unit.contact_id == (data.contact.pk if data.contact else None)
        and set(unit.profiles.values_list("kind", flat=True)) == set(data.kinds)
    )


def _unit_snapshot(unit: Unit) -> dict[str, Any]:
    return {**snapshot(unit), "kinds": sorted(unit.profiles.values_list("kind", flat=True))}


def unit_register(*, actor: Actor, data: UnitData) -> tuple[Unit, str]:
    """Register a unit; a known credit code (or, without one, the same name in the same region)
    finds the existing record. Returns the unit and "created", "updated" or "unchanged"."""
    scope = scope_for(actor) if getattr(actor, "is_authenticated", False) else None
    if scope is not None and not (scope.can_write and scope.covers_region(data.region)):
        audit_record_refusal(actor=actor, verb="unit.register", region_code=data.region.code)
        raise PermissionDenied(_("You may not register organisations in %(region)s.") % {"region": data.region.name})
    try:
        with transaction.atomic():
            if data.credit_code:
                existing = Unit.objects.select_for_update().filter(credit_code=data.credit_code).first()
            else:
                existing = (
                    Unit.objects.select_for_update()
                    .filter(credit_code__isnull=True, name=data.name, region=data.region)
                    .first()
                )
            if existing is None:
                unit = Unit()
                _apply(unit, data)
                unit.save()
                _set_kinds(unit, data.kinds)
                audit_record(actor=actor, verb="unit.create", target=unit, after=_unit_snapshot(unit))
                return unit, "created"
            if same_content(existing, data):
                return existing, "unchanged"
            if scope is not None and not unit_is_visible(actor, existing):
                audit_record_refusal(actor=actor, verb="unit.update", target=existing)
                raise PermissionDenied(_("This credit code belongs to an organisation outside your jurisdiction."))
            before = _unit_snapshot(existing)
            _apply(existing, data)
            existing.version += 1
            existing.save()
            _set_kinds(existing, data.kinds)
            audit_record(
                actor=actor, verb="unit.update", target=existing, before=before, after=_unit_snapshot(existing)
            )
            return existing, "updated"
    except IntegrityError as error:
        raise ValidationError(
            {"credit_code": [_("This credit code was registered at the same moment; try again.")]}
        ) from error


def unit_is_visible(actor: Actor, unit: Unit) -> bool:
    from .selectors import unit_list

    return unit_list(actor).filter(pk=unit.pk).exists()


def unit_update(*, actor: Actor, unit: Unit, data: UnitData, version: int) -> Unit:
    if not unit_is_visible(actor, unit) or not scope_for(actor).can_write:
        audit_record_refusal(actor=actor, verb="unit.update", target=unit)
        raise PermissionDenied(_("You may not change this organisation."))
    with transaction.atomic():
        current = Unit.objects.select_for_update().get(pk=unit.pk)
        if current.version != version:
            raise VersionConflict(
                _("Someone else changed this organisation since you opened it. Reload and try again.")
            )
        if data.credit_code and Unit.objects.filter(credit_code=data.credit_code).exclude(pk=unit.pk).exists():
            raise ValidationError({"credit_code": [_("Another organisation already has this credit code.")]})
        before = _unit_snapshot(current)
        previous_contact = current.contact_id
        _apply(current, data)
        current.version += 1
        current.save()
        if previous_contact != current.contact_id:
            person_released([previous_contact])  # no longer held as the contact (people/retention.py)
        _set_kinds(current, data.kinds)
        audit_record(actor=actor, verb="unit.update", target=current, before=before, after=_unit_snapshot(current))
    return current
