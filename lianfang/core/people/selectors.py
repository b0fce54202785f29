"""Reads of the people registry, through the scoping layer; minors only for sensitive roles."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from lianfang.core.regions.models import Region
from lianfang.core.regions.scoping import scope_for

from .identity import DocumentType, district_today, normalise, normalise_phone
from .indexes import document_index, phone_index
from .models import Person, minors_born_after


def person_list(user: Any) -> QuerySet[Person]:
    """People the user may see: where they serve, or whom their jurisdiction registered."""
    scope = scope_for(user)
    people = scope.filter(Person.objects.select_related("home_region"))
    if not scope.sees_sensitive:
        people = people.exclude(birth_date__gt=minors_born_after(district_today()))
    return people


def person_visible_to_registrant(user: Any, person: Person, *, region: Region, department_id: int | None) -> bool:
    """Whether person_list(user) holds a person whom `user` has just created, decided without a
    query: such a person has exactly one link, the one person_register wrote for the user (this
    region and department, created by them), so every value the scope filter would test is in hand.

    The same rules as person_list (the scoping layer's, through Scope.admits, and minors only for
    sensitive roles); a test holds the two to agree for every role.
    """
    scope = scope_for(user)
    if person.is_minor and not scope.sees_sensitive:
        return False
    home = person.home_region.code if person.home_region is not None else None
    return scope.admits({"region": (home, region.code), "department": (department_id,), "assignee": (user.pk,)})


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
            condition |= Q(document_index__in=[document_index(kind, number) for kind in DocumentType.values])
        with contextlib.suppress(ValidationError):  # not a phone number: nothing to add
            condition |= Q(phone_index=phone_index(normalise_phone(text)))
        return people.filter(condition)
    condition = Q(name__icontains=text)
    if re.fullmatch(r"[A-Za-z]{1,10}", text):
        condition |= Q(name_initials__startswith=text.lower())
    return people.filter(condition)
