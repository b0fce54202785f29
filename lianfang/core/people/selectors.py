"""Reads of the people registry, through the scoping layer; minors only for sensitive roles."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from lianfang.core.accounts.actors import shown_name
from lianfang.core.regions.models import Role
from lianfang.core.regions.scoping import scope_for

from .identity import DocumentType, district_today, normalise, normalise_phone
from .indexes import document_index, phone_index
from .models import PendingState, Person, PersonLink, minors_born_after, with_document


def person_list(user: Any) -> QuerySet[Person]:
    """People the user may see: where they serve, or whom their jurisdiction registered; a minor
    only through a membership that may view sensitive records (one that may, elsewhere, does not
    open the minors a school's contact registered)."""
    scope = scope_for(user)
    people = Person.objects.select_related("home_region")
    if scope.sees_everything:
        return people
    fields = Person.scope_fields
    anyone, sensitive = scope.q(fields), scope.q(fields, sensitive=True)
    minor = Q(birth_date__gt=minors_born_after(district_today()))
    if anyone is None:
        return people.none()
    condition = anyone & ~minor
    if sensitive is not None:
        condition |= sensitive & minor
    return people.filter(condition).distinct()


def person_visible_to_registrant(
    user: Any, person: Person, *, region_code: str | None, department_id: int | None, unit_id: int | None
) -> bool:
    """Whether person_list(user) holds a person whom `user` has just created, decided without a
    query: such a person has exactly one link, the one person_register wrote for the user (its
    region, department and organisation, created by them), so every value the scope filter would
    test is in hand.

    The same rules as person_list (the scoping layer's, through Scope.admits, and minors only for
    sensitive roles); a test holds the two to agree for every role.
    """
    scope = scope_for(user)
    home = person.home_region.code if person.home_region is not None else None
    return scope.admits(
        {
            "region": (home, region_code),
            "department": (department_id,),
            "unit": (unit_id,),
            "assignee": (user.pk,),
        },
        sensitive=person.is_minor,
    )


def pending_for_confirmation(user: Any) -> QuerySet[Person]:
    """Pending records the user may confirm or return: those on file in the jurisdiction they serve
    as subdistrict or community staff (where the person lives, or, for a record without a home
    region, where it was registered); the commander all. Minors only for sensitive roles."""
    scope = scope_for(user)
    # on_file is not null for every pending record: said, so that their partial index answers.
    pending = Person.objects.filter(on_file__isnull=False, pending_state=PendingState.PENDING).select_related(
        "home_region", "on_file", "on_file__home_region"
    )
    if scope.sees_everything:
        return pending
    staff = [g for g in scope.grants if g.role == Role.SUBDISTRICT_STAFF]
    if not staff:
        return pending.none()
    minor = Q(on_file__birth_date__gt=minors_born_after(district_today()))
    condition = Q(pk__in=[])
    for grant in staff:
        prefix = grant.region_prefix
        serves = Q(on_file__home_region__code__startswith=prefix) | Q(
            on_file__home_region__isnull=True, on_file__links__region__code__startswith=prefix
        )
        # A minor only through a membership that may view sensitive records.
        condition |= serves if grant.may_view_sensitive else serves & ~minor
    return pending.filter(condition).distinct()


def pending_confirmer(user: Any) -> bool:
    """Whether the user is one who confirms registrations (staff of a jurisdiction, the commander)."""
    scope = scope_for(user)
    return scope.sees_everything or Role.SUBDISTRICT_STAFF in scope.roles


@dataclass(frozen=True)
class PendingRow:
    """A pending record as its confirmer reads it: what was typed, the record on file, and who
    registered it (their jurisdiction or organisation, and their name)."""

    pending: Person
    on_file: Person
    registered_by: list[str]


def pending_rows(pending: list[Person]) -> list[PendingRow]:
    """The rows of a page of pending records, with their registrants in one query."""
    holders: dict[int, list[str]] = {p.pk: [] for p in pending}
    links = PersonLink.objects.filter(person__in=pending).select_related("region", "department", "unit", "created_by")
    for link in links.order_by("pk"):
        where = link.unit or link.department or link.region
        who = shown_name(link.created_by) if link.created_by is not None else ""
        holders[link.person_id].append(" · ".join(str(part) for part in (where, who) if part))
    return [PendingRow(p, p.on_file, holders[p.pk]) for p in pending if p.on_file is not None]


def person_search(user: Any, query: str) -> QuerySet[Person]:
    """Exact document number or mobile (through the blind indexes), a name, or pinyin initials.

    Something with digits is looked up only through the indexes: ORing it with a name search
    would scan the whole table for a number that no name contains.
    """
    people = person_list(user)
    text = query.strip()
    if not text:
        return people
    number = normalise(text)
    if re.search(r"\d", number):
        condition = Q(pk__in=[])
        if re.fullmatch(r"[0-9A-Z]{5,18}", number):
            condition |= with_document([document_index(kind, number) for kind in DocumentType.values])
        with contextlib.suppress(ValidationError):  # not a phone number: nothing to add
            condition |= Q(phone_index=phone_index(normalise_phone(text)))
        return people.filter(condition)
    condition = Q(name__icontains=text)
    if re.fullmatch(r"[A-Za-z]{1,10}", text):
        condition |= Q(name_initials__startswith=text.lower())
    return people.filter(condition)
