"""Who may do what with volunteers, from the user's memberships.

Seeing a record is the scoping layer's business (selectors.py); this decides what a user who
sees it may do:

- the district commander (and the console) everything;
- subdistrict staff and field workers organise within the regions they serve: register
  volunteers, create tasks, dispatch, check in and out, correct hours, finish and cancel;
- the contact of an enterprise registers its volunteers, signs them up and checks them in and out;
- auditors, department staff and administrators read what they see, and act on nothing here.
"""

from __future__ import annotations

from lianfang.core.accounts.actors import Actor, SystemActor
from lianfang.core.regions.models import Role
from lianfang.core.regions.scoping import Scope, scope_for

ORGANISING_ROLES = (Role.SUBDISTRICT_STAFF, Role.FIELD_WORKER)


def actor_scope(actor: Actor) -> Scope:
    """The console (commands, jobs, the demo loader) acts for the whole district."""
    return Scope.everything() if isinstance(actor, SystemActor) else scope_for(actor)


def may_organise(actor: Actor, *, region_code: str) -> bool:
    """Staff who answer for the region: tasks, dispatch, check-in, hours, volunteers."""
    scope = actor_scope(actor)
    if not scope.can_write:
        return False
    if scope.sees_everything:
        return True
    return any(g.role in ORGANISING_ROLES and region_code.startswith(g.region_prefix) for g in scope.grants)


def contact_of(actor: Actor, unit_id: int | None) -> bool:
    """Whether the actor stands for this organisation (its unit contact)."""
    if unit_id is None:
        return False
    return any(g.role == Role.UNIT_CONTACT and g.unit_id == unit_id for g in actor_scope(actor).grants)


def may_act_for(actor: Actor, *, region_code: str, unit_id: int | None) -> bool:
    """Sign up, check in or check out a volunteer of this unit for a task in this region."""
    return may_organise(actor, region_code=region_code) or contact_of(actor, unit_id)


def organises_anywhere(actor: Actor) -> bool:
    """Whether the pages should offer creating tasks and registering volunteers at all."""
    scope = actor_scope(actor)
    return scope.sees_everything or any(g.role in ORGANISING_ROLES for g in scope.grants)


def contact_units(actor: Actor) -> list[int]:
    return [g.unit_id for g in actor_scope(actor).grants if g.role == Role.UNIT_CONTACT and g.unit_id is not None]
