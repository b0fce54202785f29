"""The one scoping layer: which records a user may see, from the user's active memberships.

A model says how its records reach a jurisdiction with a `scope_fields` mapping:

    scope_fields = {"region": "region", "department": "department", "unit": "unit", "assignee": "user"}

Each value is an ORM path to a Region, a Department, a unit or a user ("" for the model
itself); "region_code" names a plain code column instead of a path to a Region.
Each active membership grants a slice; the slices are combined with OR. A membership
whose slice needs a path that the model does not declare grants nothing there: deny by default.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .models import Membership, Region, Role

M = TypeVar("M", bound=models.Model)

# Roles whose users may change business records (the auditor reads only; the administrator
# maintains registries and accounts but sees no business data by default).
WRITING_ROLES = frozenset(
    {Role.COMMANDER, Role.DEPARTMENT_STAFF, Role.SUBDISTRICT_STAFF, Role.FIELD_WORKER, Role.UNIT_CONTACT}
)


@dataclass(frozen=True)
class Grant:
    """One membership's slice of the records."""

    role: str
    region_prefix: str
    department_id: int | None = None
    unit_id: int | None = None
    membership_id: int | None = None
    may_reveal: bool = False
    may_view_sensitive: bool = False
    # For showing the user where they serve, without another query.
    region_name: str = ""
    department_name: str = ""
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @classmethod
    def everything(cls) -> Scope:
        """The console operator's scope (commands and jobs run for the whole district)."""
        return cls(user_id=None, grants=(Grant(role=Role.COMMANDER, region_prefix=""),))

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    @property
    def sees_everything(self) -> bool:
        return Role.COMMANDER in self.roles

    @property
    def can_write(self) -> bool:
        return bool(self.roles & WRITING_ROLES)

    @property
    def may_reveal(self) -> bool:
        """May show full identity numbers and phones (a separate privilege, with a reason, audited)."""
        return any(g.may_reveal for g in self.grants)

    @property
    def sees_sensitive(self) -> bool:
        """May see minors and health, income and disability records; the commander always may."""
        return self.sees_everything or any(g.may_view_sensitive for g in self.grants)

    @property
    def can_read_audit(self) -> bool:
        return bool(self.roles & {Role.AUDITOR, Role.COMMANDER})

    def region_prefixes(self) -> list[str]:
        """Prefixes of the regions this user answers for, widest first, without nested repeats."""
        prefixes = sorted({g.region_prefix for g in self.grants if g.role != Role.SYSADMIN}, key=lambda p: (len(p), p))
        kept: list[str] = []
        for prefix in prefixes:
            if not any(prefix.startswith(k) for k in kept):
                kept.append(prefix)
        return kept

    def covers_region(self, region: Region) -> bool:
        """May this user look at aggregates (figures) of that region?"""
        if self.sees_everything:
            return True
        return any(region.code.startswith(p) for p in self.region_prefixes())

    def q(self, fields: dict[str, str]) -> Q | None:
        """The filter for a model with these scope fields; None means nothing is visible."""
        if self.sees_everything:
            return Q()
        parts: list[Q] = []
        for grant in self.grants:
            part = _grant_q(grant, fields, self.user_id)
            if part is not None:
                parts.append(part)
        if not parts:
            return None
        combined = parts[0]
        for part in parts[1:]:
            combined |= part
        return combined

    def filter(self, queryset: models.QuerySet[M], fields: dict[str, str] | None = None) -> models.QuerySet[M]:
        scope_fields = fields if fields is not None else getattr(queryset.model, "scope_fields", None)
        if scope_fields is None:
            raise TypeError(f"{queryset.model.__name__} declares no scope_fields; it cannot be scoped.")
        condition = self.q(scope_fields)
        if condition is None:
            return queryset.none()
        if not condition:  # everything: no join, no DISTINCT
            return queryset
        return queryset.filter(condition).distinct() if _may_duplicate(scope_fields) else queryset.filter(condition)


def _path(base: str, suffix: str) -> str:
    return f"{base}__{suffix}" if base else suffix


def _paths(fields: dict[str, Any], key: str) -> tuple[str, ...] | None:
    value = fields.get(key)
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


def _any_of(paths: tuple[str, ...], suffix: str, value: Any) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{_path(path, suffix): value})
    return condition


def _may_duplicate(fields: dict[str, Any]) -> bool:
    # Paths across a to-many relation could return a row twice; plain foreign keys cannot.
    return any("__" in path for key in fields for path in (_paths(fields, key) or ()))


def _grant_q(grant: Grant, fields: dict[str, Any], user_id: int | None) -> Q | None:
    regions = _paths(fields, "region")
    code_field = fields.get("region_code")
    in_region: Q | None = None
    if regions is not None:
        in_region = _any_of(regions, "code__startswith", grant.region_prefix)
    elif code_field:
        in_region = Q(**{f"{code_field}__startswith": grant.region_prefix})
    if grant.role in (Role.SUBDISTRICT_STAFF, Role.AUDITOR):
        return in_region
    if grant.role == Role.DEPARTMENT_STAFF:
        departments = _paths(fields, "department")
        if departments is None or grant.department_id is None or in_region is None:
            return None
        return in_region & _any_of(departments, "id", grant.department_id)
    if grant.role == Role.FIELD_WORKER:
        assignees = _paths(fields, "assignee")
        if assignees is None or user_id is None:
            return None
        return _any_of(assignees, "id", user_id)
    if grant.role == Role.UNIT_CONTACT:
        units = _paths(fields, "unit")
        if units is None or grant.unit_id is None:
            return None
        return _any_of(units, "id", grant.unit_id)
    return None  # the system administrator sees no business data by default


# Scopes are cached per process, keyed by the user's scope_version: every change to a user's
# memberships (or to a region they hold) bumps it in the same transaction, and the version is read
# with the user on each request, so a cached scope is never stale. Day is part of the key because
# memberships start and end on dates.
_CACHE: OrderedDict[tuple[int, int, dt.date], Scope] = OrderedDict()
_CACHE_SIZE = 4096
_LOCK = threading.Lock()


def clear_scope_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def _load_scope(user: Any, day: dt.date) -> Scope:
    memberships = (
        Membership.objects.active_on(day)
        .filter(user=user)
        .select_related("region", "department")
        .order_by("role", "region__code")
    )
    return Scope(
        user_id=user.pk,
        grants=tuple(
            Grant(
                role=m.role,
                region_prefix=m.region.prefix,
                department_id=m.department_id,
                unit_id=m.unit_id,
                membership_id=m.pk,
                may_reveal=m.may_reveal,
                may_view_sensitive=m.may_view_sensitive,
                region_name=m.region.name,
                department_name=m.department.name if m.department else "",
                valid_until=m.valid_until,
            )
            for m in memberships
        ),
    )


def scope_for(user: Any, *, on: dt.date | None = None) -> Scope:
    """The scope of a user's memberships that are active on a day (today in Shanghai by default)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(user_id=None)
    day = on or timezone.localdate()
    key = (user.pk, getattr(user, "scope_version", 0), day)
    with _LOCK:
        scope = _CACHE.get(key)
        if scope is not None:
            _CACHE.move_to_end(key)
            return scope
    scope = _load_scope(user, day)
    with _LOCK:
        _CACHE[key] = scope
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return scope


def scope_changed(*, user_ids: list[int]) -> None:
    """Call in the transaction that changes who serves where: cached scopes of these users expire."""
    from lianfang.core.accounts.models import User

    User.objects.filter(pk__in=user_ids).update(scope_version=F("scope_version") + 1)
