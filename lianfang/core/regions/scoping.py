"""The one scoping layer: which records a user may see, from the user's active memberships.

A model says how its records reach a jurisdiction with a `scope_fields` mapping:

    scope_fields = {"region": "region", "department": "department", "unit": "unit", "assignee": "user"}

Each value is an ORM path to a Region, a Department, a unit or a user ("" for the model
itself); "region_code" names a plain code column instead of a path to a Region.
Each active membership grants a slice; the slices are combined with OR. A membership
whose slice needs a path that the model does not declare grants nothing there: deny by default.

Two more declarations, for records about people a jurisdiction must not see by default (a class's
students, who are minors):

- "staff": a path to the users named on the record (a class's teachers, a school's health
  officer), with "staff_unit", the path to the organisation they serve it for. A user named there
  sees the record through their membership as a contact of that organisation: a teacher who
  leaves the school (their membership ends) no longer sees its students, wherever else they serve.
- `scope_sensitive = True` on the model: a membership's slice of region, department or
  organisation counts only where it may view sensitive records (the commander always may).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, models
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
    department_code: str = ""
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @classmethod
    def everything(cls) -> Scope:
        """The console operator's scope (commands and jobs run for the whole district)."""
        return cls(user_id=None, grants=(Grant(role=Role.COMMANDER, region_prefix=""),))

    @functools.cached_property
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

    def sees_all_in(self, region: Region, *, sensitive: bool = False) -> bool:
        """Does this scope admit every record of that region (so that figures computed for the whole
        district's region may be shown as they are)? The commander's, a subdistrict's or an
        auditor's grant over it does; a department's or a unit's does not."""
        if self.sees_everything:
            return True
        return any(
            g.role in (Role.SUBDISTRICT_STAFF, Role.AUDITOR)
            and region.code.startswith(g.region_prefix)
            and (g.may_view_sensitive or not sensitive)
            for g in self.grants
        )

    def _staff_units(self) -> list[int]:
        """The organisations this user serves as a contact: where records naming them as staff count."""
        return [g.unit_id for g in self.grants if g.role == Role.UNIT_CONTACT and g.unit_id is not None]

    def q(self, fields: dict[str, Any], *, sensitive: bool = False) -> Q | None:
        """The filter for a model with these scope fields; None means nothing is visible. A
        sensitive model's records come only through grants that may view sensitive records."""
        if self.sees_everything:
            return Q()
        parts: list[Q] = []
        for grant in self.grants:
            if sensitive and not grant.may_view_sensitive:
                continue
            part = _grant_q(grant, fields, self.user_id)
            if part is not None:
                parts.append(part)
        staff, staff_unit = _paths(fields, "staff"), _paths(fields, "staff_unit")
        units = self._staff_units()
        if staff is not None and staff_unit is not None and units and self.user_id is not None:
            at_unit = Q()
            for unit_id in units:
                at_unit |= _any_of(staff_unit, "id", unit_id)
            parts.append(_any_of(staff, "id", self.user_id) & at_unit)
        if not parts:
            return None
        combined = parts[0]
        for part in parts[1:]:
            combined |= part
        return combined

    def admits(self, row: dict[str, tuple[Any, ...]], *, sensitive: bool = False) -> bool:
        """Would filter() keep a record whose scope fields hold these values, without asking the database?

        `row` maps each scope-field key ("region", "department", "unit", "assignee") to the values
        of its paths in one joined row: region codes, and primary keys for the others; a key the
        model does not declare is left out. For a record whose related rows are all in hand (a
        person just registered, with its one link) this answers exactly what the query would;
        `sensitive` as q() takes it.
        """
        if self.sees_everything:
            return True
        if self.user_id in row.get("staff", ()) and set(row.get("staff_unit", ())) & set(self._staff_units()):
            return True
        terms = _RowConditions(row)
        return any(
            _grant_condition(grant, terms, self.user_id)
            for grant in self.grants
            if grant.may_view_sensitive or not sensitive
        )

    def filter_sensitive(
        self, queryset: models.QuerySet[M], fields: dict[str, str] | None = None
    ) -> models.QuerySet[M]:
        """As filter(), for records that are sensitive here though their model is not (a duty's
        roster of vulnerable households): only grants that may view sensitive records count."""
        scope_fields = fields if fields is not None else getattr(queryset.model, "scope_fields", None)
        if scope_fields is None:
            raise TypeError(f"{queryset.model.__name__} declares no scope_fields; it cannot be scoped.")
        condition = self.q(scope_fields, sensitive=True)
        if condition is None:
            return queryset.none()
        if not condition:
            return queryset
        return queryset.filter(condition).distinct() if _may_duplicate(scope_fields) else queryset.filter(condition)

    def filter(self, queryset: models.QuerySet[M], fields: dict[str, str] | None = None) -> models.QuerySet[M]:
        scope_fields = fields if fields is not None else getattr(queryset.model, "scope_fields", None)
        if scope_fields is None:
            raise TypeError(f"{queryset.model.__name__} declares no scope_fields; it cannot be scoped.")
        condition = self.q(scope_fields, sensitive=getattr(queryset.model, "scope_sensitive", False))
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


class _Conditions:
    """The conditions a grant is made of, as ORM filters over a model's scope fields."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields

    def in_region(self, prefix: str) -> Q | None:
        regions = _paths(self.fields, "region")
        if regions is not None:
            return _any_of(regions, "code__startswith", prefix)
        code_field = self.fields.get("region_code")
        return Q(**{f"{code_field}__startswith": prefix}) if code_field else None

    def holds(self, key: str, pk: int) -> Q | None:
        paths = _paths(self.fields, key)
        return None if paths is None else _any_of(paths, "id", pk)


class _RowConditions:
    """The same conditions, decided over one row's values in hand instead of in the database."""

    def __init__(self, row: dict[str, tuple[Any, ...]]) -> None:
        self.row = row

    def in_region(self, prefix: str) -> bool | None:
        codes = self.row.get("region")
        return None if codes is None else any(code is not None and code.startswith(prefix) for code in codes)

    def holds(self, key: str, pk: int) -> bool | None:
        values = self.row.get(key)
        return None if values is None else pk in values


def _grant_condition(grant: Grant, terms: Any, user_id: int | None) -> Any:
    """What one grant admits, built from `terms` (ORM filters or a row's values); None: nothing.

    The one statement of each role's rule, so that Scope.q and Scope.admits cannot disagree.
    """
    in_region = terms.in_region(grant.region_prefix)
    if grant.role in (Role.SUBDISTRICT_STAFF, Role.AUDITOR):
        return in_region
    if grant.role == Role.DEPARTMENT_STAFF:
        if grant.department_id is None or in_region is None:
            return None
        in_department = terms.holds("department", grant.department_id)
        return None if in_department is None else in_region & in_department
    if grant.role == Role.FIELD_WORKER:
        return None if user_id is None else terms.holds("assignee", user_id)
    if grant.role == Role.UNIT_CONTACT:
        return None if grant.unit_id is None else terms.holds("unit", grant.unit_id)
    return None  # the system administrator sees no business data by default


def _grant_q(grant: Grant, fields: dict[str, Any], user_id: int | None) -> Q | None:
    condition: Q | None = _grant_condition(grant, _Conditions(fields), user_id)
    return condition


# Scopes are cached per process, keyed by the user's scope_version: every change to a user's
# memberships (or to a region they hold) bumps it in the same transaction, and the version is read
# with the user on each request, so a cached scope is never stale. Day is part of the key because
# memberships start and end on dates.
_CACHE: OrderedDict[tuple[int, int, dt.date], Scope] = OrderedDict()
_CACHE_SIZE = 4096
_LOCK = threading.Lock()


def clear_scope_cache() -> None:
    """Forget every cached scope and region (tests do, since their databases reuse primary keys)."""
    with _LOCK:
        _CACHE.clear()
        _REGIONS.clear()


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
                department_code=m.department.code if m.department else "",
                valid_until=m.valid_until,
            )
            for m in memberships
        ),
    )


def scope_for(user: Any, *, on: dt.date | None = None) -> Scope:
    """The scope of a user's memberships that are active on a day (today in Shanghai by default)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(user_id=None)
    # The district's date: no request activates another time zone, and the default one is quicker to
    # reach than the current one (several scope checks run in each request).
    day = on or dt.datetime.now(timezone.get_default_timezone()).date()
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


# Regions by code, for the write paths that take a code from outside (API bodies, forms): a
# region's code is corrected seldom, by an administrator, and saving or deleting a region clears
# this process's cache at once (see _regions_changed). Other processes would keep an old entry
# for at most REGION_TTL seconds; only found regions are kept, so a new code is seen at once.
_REGIONS: dict[str, tuple[float, tuple[Any, ...]]] = {}
_REGION_FIELDS = ("id", "code", "name", "level", "parent_id")
REGION_TTL = 300.0


def region_by_code(code: str) -> Region | None:
    """The region with this 12-digit code, or None; cached per process (see REGION_TTL)."""
    now = time.monotonic()
    entry = _REGIONS.get(code)
    if entry is not None and now - entry[0] < REGION_TTL:
        # A fresh instance each time: callers may cache relations on it or change it.
        return Region.from_db(DEFAULT_DB_ALIAS, _REGION_FIELDS, entry[1])
    values = Region.objects.filter(code=code).values_list(*_REGION_FIELDS).first()
    if values is None:
        return None
    with _LOCK:
        _REGIONS[code] = (now, values)
    return Region.from_db(DEFAULT_DB_ALIAS, _REGION_FIELDS, values)


def _regions_changed(**kwargs: Any) -> None:
    with _LOCK:
        _REGIONS.clear()


models.signals.post_save.connect(_regions_changed, sender=Region, dispatch_uid="scoping-regions-saved")
models.signals.post_delete.connect(_regions_changed, sender=Region, dispatch_uid="scoping-regions-deleted")
