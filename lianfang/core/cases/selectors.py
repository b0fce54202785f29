"""Reads of cases, always through the scoping layer: lists, "my work", a case's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from lianfang.core.regions.models import DepartmentKind, Role
from lianfang.core.regions.scoping import Scope, scope_for

from .models import Case, CaseEvent
from .states import State

LIST_RELATED = ("region", "unit", "owner_department", "owner_unit", "assignee")


def case_list(user: Any) -> QuerySet[Case]:
    """Every case the user may see (404 for the rest)."""
    return scope_for(user).filter(Case.objects.select_related(*LIST_RELATED))


@dataclass(frozen=True)
class CaseFilters:
    state: str | None = None
    kind: str | None = None
    owner_department: int | None = None
    region_prefix: str | None = None
    overdue: bool | None = None
    closed: bool | None = None
    unit: int | None = None
    person: int | None = None
    q: str = ""


def overdue_q(today: dt.date | None = None) -> Q:
    return Q(is_closed=False, deadline__lt=today or timezone.localdate())


def case_search(user: Any, filters: CaseFilters) -> QuerySet[Case]:
    cases = case_list(user)
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.owner_department:
        cases = cases.filter(owner_department_id=filters.owner_department)
    if filters.region_prefix:
        cases = cases.filter(region__code__startswith=filters.region_prefix)
    if filters.unit:
        cases = cases.filter(Q(unit_id=filters.unit) | Q(owner_unit_id=filters.unit))
    if filters.person:
        cases = cases.filter(person_id=filters.person)
    if filters.closed is not None:
        cases = cases.filter(is_closed=filters.closed)
    if filters.overdue is True:
        cases = cases.filter(overdue_q())
    elif filters.overdue is False:
        cases = cases.exclude(overdue_q())
    q = " ".join(filters.q.split())
    if q:
        condition = Q(title__icontains=q) | Q(unit__name__icontains=q)
        if q.lstrip("#").isdigit():
            condition |= Q(pk=int(q.lstrip("#")))
        cases = cases.filter(condition)
    return cases


def responsibility_q(user: Any, scope: Scope) -> Q | None:
    """Open cases that wait for this user: owned by them (as the assignee, their department or
    office, their unit), or done by someone else and waiting for their check."""
    if not scope.can_write:
        return None
    if scope.sees_everything:
        return Q(is_closed=False)
    owned = Q(assignee_id=user.pk)
    dispatch_prefixes: list[str] = []
    for grant in scope.grants:
        if grant.role == Role.DEPARTMENT_STAFF and grant.department_id:
            owned |= Q(owner_department_id=grant.department_id, region__code__startswith=grant.region_prefix)
            dispatch_prefixes.append(grant.region_prefix)
        elif grant.role == Role.SUBDISTRICT_STAFF:
            owned |= Q(
                assignee__isnull=True,
                owner_department__kind=DepartmentKind.SUBDISTRICT_OFFICE,
                owner_department__region__code__startswith=grant.region_prefix,
            )
            owned |= Q(
                state=State.REPORTED, region__code__startswith=grant.region_prefix, owner_department__isnull=True
            )
            dispatch_prefixes.append(grant.region_prefix)
        elif grant.role == Role.UNIT_CONTACT and grant.unit_id:
            owned |= Q(owner_unit_id=grant.unit_id)
    # Work marked done waits for a verifier, not for its owner.
    parts = owned & ~Q(state=State.DONE)
    for prefix in dispatch_prefixes:
        parts |= Q(state=State.DONE, region__code__startswith=prefix) & ~Q(done_by_id=user.pk)
    return Q(is_closed=False) & parts


def my_work(user: Any) -> QuerySet[Case]:
    """The user's own list: what waits for them, most urgent first (overdue, then by deadline)."""
    scope = scope_for(user)
    condition = responsibility_q(user, scope)
    if condition is None:
        return Case.objects.none()
    return scope.filter(Case.objects.filter(condition).select_related(*LIST_RELATED)).order_by(
        F("deadline").asc(nulls_last=True), "-priority", "id"
    )


def reported_by_me(user: Any) -> QuerySet[Case]:
    """What the user reported (我上报的) and where each stands: open cases first, the newest first.
    Through the scoping layer like every list (a reporter keeps seeing their reports through it)."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return (
        scope_for(user)
        .filter(Case.objects.filter(reporter_id=user.pk).select_related(*LIST_RELATED))
        .order_by("is_closed", "-created_at", "-id")
    )


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    """The case's events, oldest first (the caller has already found the case through case_list)."""
    return CaseEvent.objects.filter(case=case).order_by("at", "id")
