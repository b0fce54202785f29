"""Reads of the jurisdiction tree, always through the scoping layer where records are scoped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from lianfang.core.accounts.models import User

from .models import Department, Membership, Region, Role
from .scoping import scope_for


@dataclass(frozen=True)
class MembershipSummary:
    role: str
    region: str
    department: str
    valid_until: Any


def membership_summaries(user: Any) -> list[MembershipSummary]:
    """The user's active memberships, for the home page and /me/ (from the cached scope)."""
    return [
        MembershipSummary(
            role=str(Role(g.role).label), region=g.region_name, department=g.department_name, valid_until=g.valid_until
        )
        for g in scope_for(user).grants
    ]


def region_list() -> QuerySet[Region]:
    """The whole tree. Region names and codes are public administrative facts, not scoped records."""
    return Region.objects.select_related("parent").order_by("code")


def department_list() -> QuerySet[Department]:
    return Department.objects.select_related("region").order_by("kind", "code")


def regions_in_scope(user: Any) -> QuerySet[Region]:
    """Regions whose figures the user may look at: the subtree of each region they answer for."""
    scope = scope_for(user)
    if scope.sees_everything:
        return region_list()
    prefixes = scope.region_prefixes()
    if not prefixes:
        return Region.objects.none()
    condition = Q()
    for prefix in prefixes:
        condition |= Q(code__startswith=prefix)
    return region_list().filter(condition)


def default_region(user: Any) -> Region | None:
    """The widest region a user answers for: the starting point of their pages."""
    scope = scope_for(user)
    if scope.sees_everything:
        return Region.objects.filter(parent__isnull=True).order_by("code").first()
    prefixes = scope.region_prefixes()
    if not prefixes:
        return None
    return Region.objects.filter(code=prefixes[0].ljust(12, "0")).first()


def sole_region(user: Any) -> Region | None:
    """The one region a user serves in, when there is exactly one: a form's default region
    (a field worker's community, a subdistrict's staff's subdistrict). None for the district-wide."""
    scope = scope_for(user)
    if scope.sees_everything or len(scope.region_prefixes()) != 1:
        return None
    return default_region(user)


def membership_list(user: Any) -> QuerySet[Membership]:
    """Memberships visible to a user: those serving in their jurisdiction."""
    return scope_for(user).filter(Membership.objects.select_related("user", "region", "department"))


def staff_serving(
    *,
    roles: Iterable[str],
    within: Iterable[str] = ("",),
    covering: Region | None = None,
    day: dt.date | None = None,
) -> QuerySet[User]:
    """Active accounts holding one of `roles` on `day` (today by default), in a membership whose
    region lies inside one of the code prefixes `within` ("" is anywhere) or, given `covering`,
    whose region is that region or one above it. Who a case can be handed to, who may organise a
    task there: names of people, not records, so not scoped further."""
    memberships = Membership.objects.active_on(day or timezone.localdate()).filter(role__in=list(roles))
    if covering is not None:
        above = {covering.code[:6] + "000000", covering.code[:9] + "000", covering.code}
        memberships = memberships.filter(region__code__in=above)
    else:
        inside = Q()
        for prefix in within:
            inside |= Q(region__code__startswith=prefix)
        memberships = memberships.filter(inside)
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by("full_name", "pk")
