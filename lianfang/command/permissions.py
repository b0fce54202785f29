"""Who edits and signs the bulletin, and at which scope its figures are read.

- Editors: staff of the bulletin office (the department named by BULLETIN_EDITORS, 区委办) and the
  commander. They draft, edit, submit and read every issue.
- Signing (签发) needs an editor who has neither drafted, edited nor submitted the issue: a second
  person.
- Figures: a bulletin reports on the whole district, so its figures are computed at the district's
  scope whoever drafts it (aggregates only). The rows behind a figure are listed to an editor at
  the district's scope too, except rows that are sensitive (health, income, disability, minors):
  those only where the editor's own scope admits every sensitive record of the figure's region
  (the commander, a sensitive grant over it), each listing audited; otherwise the page gives
  their count.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from lianfang.core.accounts.actors import Actor, SystemActor
from lianfang.core.figures.rollups import rollup_regions
from lianfang.core.regions.models import Region, Role
from lianfang.core.regions.scoping import Scope, scope_for

from .models import Bulletin


def _user(actor: Actor) -> Any:
    return None if isinstance(actor, SystemActor) or not getattr(actor, "is_authenticated", False) else actor


def is_bulletin_editor(actor: Actor) -> bool:
    """The bulletin office's staff and the commander (and the console, which drafts from commands)."""
    user = _user(actor)
    if user is None:
        return isinstance(actor, SystemActor)
    scope = scope_for(user)
    if scope.sees_everything:
        return True
    # The office's staff over the whole district (a membership limited to a community is not).
    districts = {r.prefix for r in rollup_regions() if r.parent_id is None}
    return any(
        g.role == Role.DEPARTMENT_STAFF
        and g.department_code == settings.BULLETIN_EDITORS
        and g.region_prefix in districts
        for g in scope.grants
    )


def may_sign(actor: Actor, bulletin: Bulletin) -> bool:
    """An editor who has not drafted, edited or submitted this issue."""
    user = _user(actor)
    if user is None or not is_bulletin_editor(user):
        return False
    if bulletin.drafted_by_id == user.pk:
        return False
    return not bulletin.edited_by.filter(pk=user.pk).exists()


def bulletin_sides(bulletin: Bulletin, actor: Actor) -> list[str]:
    sides = []
    if is_bulletin_editor(actor):
        sides.append("editor")
    if may_sign(actor, bulletin):
        sides.append("signer")
    return sides


def district_scope() -> Scope:
    """The scope a bulletin's figures are computed at: the whole district (aggregates only)."""
    return Scope.everything()


def sees_sensitive_rows(actor: Actor, region: Region) -> bool:
    """May the editor see the rows behind a sensitive figure of this region: does their own scope
    admit every sensitive record there (the commander; a sensitive grant over the region)?"""
    user = _user(actor)
    return isinstance(actor, SystemActor) if user is None else scope_for(user).sees_all_in(region, sensitive=True)
