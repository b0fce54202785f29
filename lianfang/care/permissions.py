"""Who may do and see what in the care practice.

- **Households and visits** (addresses, members' names, who was seen): the jurisdiction's staff and
  field workers (community workers, sent-down cadres, volunteers with an account), as the scoping
  layer gives them.
- **Tags, relief applications and payments** (income, health, disability, minors): the community's
  care workers, the care lead and the relief approver (their CareRole's region), 区民政局's staff
  (CARE_CIVIL_AFFAIRS), and memberships that may view sensitive records.
- **A counselling order's content:** its counsellor and the care lead only.
- **Sides of the flows:** staff (who keep the work going where they serve), the assignee of an
  order (the person, or a member of the squad), the approver of relief (the subdistrict's approver
  up to its cap, 区民政局 beyond).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from lianfang.core.accounts.actors import Actor, SystemActor
from lianfang.core.regions.models import LEVEL_PREFIX_LENGTH, Department, Region, Role
from lianfang.core.regions.scoping import scope_for

from .models import CareRole, CareRoleKind

# The roles that do care work where they serve (an organisation's contact does not).
CARE_WORK_ROLES = frozenset({Role.COMMANDER, Role.SUBDISTRICT_STAFF, Role.FIELD_WORKER})
# Care roles that see the tags of their region.
TAG_ROLES = (CareRoleKind.STAFF, CareRoleKind.LEAD, CareRoleKind.APPROVER)


def _user(actor: Actor) -> Any:
    return None if isinstance(actor, SystemActor) or not getattr(actor, "is_authenticated", False) else actor


def care_prefixes(actor: Actor, kinds: Iterable[str] = TAG_ROLES) -> list[str]:
    """The code prefixes of the regions where the actor holds one of these care roles."""
    user = _user(actor)
    if user is None:
        return []
    rows = CareRole.objects.filter(user=user, kind__in=list(kinds)).values_list("region__code", "region__level")
    return [code[: LEVEL_PREFIX_LENGTH[level]] for code, level in rows]


def is_civil_affairs(actor: Actor) -> bool:
    """Staff of 区民政局 (the department named by CARE_CIVIL_AFFAIRS) over the whole district."""
    user = _user(actor)
    if user is None:
        return isinstance(actor, SystemActor)
    departments = {g.department_id for g in scope_for(user).grants if g.role == Role.DEPARTMENT_STAFF}
    return bool(departments) and civil_affairs_id() in departments


def civil_affairs_id() -> int | None:
    return Department.objects.filter(code=settings.CARE_CIVIL_AFFAIRS).values_list("pk", flat=True).first()


def _in(prefixes: list[str], region: Region) -> bool:
    return any(region.code.startswith(p) for p in prefixes)


def sees_sensitive_in(actor: Actor, region: Region) -> bool:
    """May see the tags, relief and payments of households in this region."""
    if isinstance(actor, SystemActor):
        return True
    user = _user(actor)
    if user is None:
        return False
    scope = scope_for(user)
    if scope.sees_everything or is_civil_affairs(user):
        return True
    if any(g.may_view_sensitive and region.code.startswith(g.region_prefix) for g in scope.grants):
        return True
    return _in(care_prefixes(user), region)


def sensitive_filter(actor: Actor, queryset: QuerySet[Any], region_path: str) -> QuerySet[Any]:
    """The sensitive care records (tags, relief, payments) this actor may see: the scoping layer's
    (sensitive grants), and those of the regions of the actor's care roles; 区民政局 sees all."""
    if isinstance(actor, SystemActor) or is_civil_affairs(actor):
        return queryset
    user = _user(actor)
    if user is None:
        return queryset.none()
    scope = scope_for(user)
    if scope.sees_everything:
        return queryset
    model = queryset.model
    granted = scope.q(model.scope_fields, sensitive=True)  # only grants that may view sensitive records
    condition = Q(pk__in=model._default_manager.filter(granted).values("pk")) if granted is not None else Q(pk__in=[])
    for prefix in care_prefixes(user):
        condition |= Q(**{f"{region_path}__code__startswith": prefix})
    return queryset.filter(condition)


def care_work_prefixes(actor: Actor) -> list[str] | None:
    """Where the actor does care work: the regions of their writing roles that do care work and of
    their care roles (one query); None for everywhere (the commander, the console)."""
    if isinstance(actor, SystemActor):
        return None
    user = _user(actor)
    if user is None:
        return []
    scope = scope_for(user)
    if scope.sees_everything:
        return None
    grants = [g.region_prefix for g in scope.grants if g.role in CARE_WORK_ROLES]
    return grants + care_prefixes(user, tuple(CareRoleKind))


def works_in(actor: Actor, region: Region) -> bool:
    """Does care work here: a writing role of the jurisdiction that covers the region, or a care
    role there. The visitor's area for a visit."""
    prefixes = care_work_prefixes(actor)
    return prefixes is None or _in(prefixes, region)


def work_prefixes(actor: Actor) -> list[str]:
    """Where the actor knocks on doors: the regions of their field-worker memberships and care roles.
    A field worker sees the households (addresses and members, not tags) of these regions."""
    user = _user(actor)
    if user is None:
        return []
    grants = [g.region_prefix for g in scope_for(user).grants if g.role == Role.FIELD_WORKER]
    return grants + care_prefixes(user, tuple(CareRoleKind))


def knocks_on_doors(actor: Actor) -> bool:
    """Whether the actor records visits anywhere (the pages offer the visit form)."""
    user = _user(actor)
    if user is None:
        return False
    return any(g.role in CARE_WORK_ROLES for g in scope_for(user).grants) or bool(
        care_prefixes(user, tuple(CareRoleKind))
    )


def is_lead_for(actor: Actor, region: Region) -> bool:
    return _in(care_prefixes(actor, (CareRoleKind.LEAD,)), region)


def is_counsellor(actor: Actor) -> bool:
    return bool(care_prefixes(actor, (CareRoleKind.COUNSELLOR,)))


def may_approve_at(actor: Actor, region: Region, level: str) -> bool:
    """The subdistrict's relief approver approves at the subdistrict's level; 区民政局 at either."""
    from .states import ApprovalLevel

    if is_civil_affairs(actor):
        return True
    return level == ApprovalLevel.SUBDISTRICT and _in(care_prefixes(actor, (CareRoleKind.APPROVER,)), region)


def order_sides(order: Any, actor: Actor) -> set[str]:
    if isinstance(actor, SystemActor):
        return {"staff", "assignee", "confirmer"}
    user = _user(actor)
    if user is None:
        return set()
    region = order.household.region
    sides: set[str] = set()
    if order.is_private:
        if is_lead_for(user, region):
            sides |= {"staff", "confirmer"}
    elif works_in(user, region) and not _only_volunteer(user, region):
        sides |= {"staff", "confirmer"}
    if order.assigned_to_id == user.pk or (
        order.assigned_squad_id is not None and order.assigned_squad.members.filter(pk=user.pk).exists()
    ):
        sides |= {"assignee", "confirmer"}
    return sides


def _only_volunteer(user: Any, region: Region) -> bool:
    """A squad member's account serves as a field worker; it takes its squad's orders but does not
    dispatch them. Anyone with a care role or a staff membership there is staff."""
    scope = scope_for(user)
    staff_roles = {Role.COMMANDER, Role.SUBDISTRICT_STAFF}
    if any(g.role in staff_roles and region.code.startswith(g.region_prefix) for g in scope.grants):
        return False
    if _in(care_prefixes(user, (CareRoleKind.STAFF, CareRoleKind.LEAD)), region):
        return False
    return bool(user.volunteer_squads.exists())


def relief_sides(application: Any, actor: Actor) -> set[str]:
    if isinstance(actor, SystemActor):
        return {"staff", "approver"}
    user = _user(actor)
    if user is None:
        return set()
    region = application.household.region
    sides: set[str] = set()
    if works_in(user, region) and sees_sensitive_in(user, region) and not _only_volunteer(user, region):
        sides.add("staff")
    if is_civil_affairs(user) or _in(care_prefixes(user, (CareRoleKind.APPROVER,)), region):
        sides.add("approver")
        if is_civil_affairs(user):
            sides.add("staff")
    return sides
