"""Which side of a case a user is on (owner, dispatcher, verifier), from their memberships.

Seeing a case is the scoping layer's business (selectors.py); this decides what a user who sees
it may do. The district commander is on every side. Auditors and system administrators act on
no case.
"""

from __future__ import annotations

from typing import Any

from lianfang.core.accounts.actors import Actor, SystemActor
from lianfang.core.regions.models import DepartmentKind, Role
from lianfang.core.regions.scoping import Scope, scope_for

from .kinds import get_kind
from .models import Case
from .states import Side


def _office_prefix(case: Case) -> str | None:
    department = case.owner_department
    if department is None or department.kind != DepartmentKind.SUBDISTRICT_OFFICE:
        return None
    return department.region.prefix


def actor_scope(actor: Actor) -> Scope:
    """The console (commands, jobs, the demo loader) acts for the whole district."""
    return Scope.everything() if isinstance(actor, SystemActor) else scope_for(actor)


def sides(user: Any, case: Case, scope: Scope | None = None) -> frozenset[str]:
    scope = scope or actor_scope(user)
    if not scope.can_write:
        return frozenset()
    if scope.sees_everything:
        found = {Side.OWNER, Side.DISPATCHER}
    else:
        found = set()
        code = case.region.code
        office = _office_prefix(case)
        if case.assignee_id is not None and case.assignee_id == user.pk:
            found.add(Side.OWNER)
        for grant in scope.grants:
            in_region = code.startswith(grant.region_prefix)
            if grant.role == Role.SUBDISTRICT_STAFF and in_region:
                found.add(Side.DISPATCHER)
                if office is not None and office.startswith(grant.region_prefix):
                    found.add(Side.OWNER)
            elif grant.role == Role.DEPARTMENT_STAFF and in_region and grant.department_id == case.owner_department_id:
                # A bureau both hands out and does the work of the cases it owns.
                found |= {Side.OWNER, Side.DISPATCHER}
            elif (
                grant.role == Role.UNIT_CONTACT
                and case.owner_unit_id is not None
                and grant.unit_id == case.owner_unit_id
            ):
                found.add(Side.OWNER)
    if Side.DISPATCHER in found:
        kind = get_kind(case.kind)
        if not kind.independent_verifier or case.done_by_id != user.pk:
            found.add(Side.VERIFIER)
    return frozenset(found)


REPORTING_STAFF = (Role.SUBDISTRICT_STAFF, Role.DEPARTMENT_STAFF, Role.FIELD_WORKER)


def may_report_in(user: Any, *, region_code: str, unit_id: int | None, scope: Scope | None = None) -> bool:
    """Staff report in the regions they answer for; a unit's contact reports about their unit."""
    scope = scope or actor_scope(user)
    if not scope.can_write:
        return False
    if scope.sees_everything:
        return True
    for grant in scope.grants:
        if grant.role == Role.UNIT_CONTACT:
            if unit_id is not None and grant.unit_id == unit_id:
                return True
        elif region_code.startswith(grant.region_prefix) and grant.role in REPORTING_STAFF:
            return True
    return False
