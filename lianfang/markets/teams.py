"""Which team answers for a shop: the one its record names (an override), else the team assigned
to the subdistrict or town the shop lies in (分包镇办). One read of the teams serves any number of
shops."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from lianfang.core.accounts.models import User
from lianfang.core.duties.models import DutySubject
from lianfang.core.regions.models import Department
from lianfang.core.units.models import SHOP_KINDS
from lianfang.core.units.services import supervising_department

from .models import Inspector, Shop, Team


def shops_department() -> Department | None:
    """The bureau that supervises the small shops (区市场监管局)."""
    return supervising_department(*SHOP_KINDS)


class TeamMap:
    """The teams by the region prefixes they are assigned to (the longest prefix wins)."""

    def __init__(self) -> None:
        self.teams: dict[int, Team] = {}
        self.prefixes: list[tuple[str, int]] = []
        for team in Team.objects.prefetch_related("regions"):
            self.teams[team.pk] = team
            self.prefixes.extend((region.prefix, team.pk) for region in team.regions.all())
        self.prefixes.sort(key=lambda p: -len(p[0]))
        self._found: dict[str, int | None] = {}

    def for_region(self, code: str) -> int | None:
        if code not in self._found:
            self._found[code] = next((team_id for prefix, team_id in self.prefixes if code.startswith(prefix)), None)
        return self._found[code]

    def of(self, override_id: int | None, region_code: str) -> int | None:
        """The responsible team's id for a shop with this override and region code."""
        return override_id if override_id is not None else self.for_region(region_code)


def team_of_user(user: Any) -> Team | None:
    """The team of an active inspector (None for anyone else)."""
    if not getattr(user, "is_authenticated", False):
        return None
    found = Inspector.objects.select_related("team").filter(user_id=user.pk, active=True).first()
    return found.team if found is not None else None


def team_members(team_ids: Iterable[int]) -> dict[int, list[User]]:
    """Each team's active inspectors with active accounts."""
    out: dict[int, list[User]] = defaultdict(list)
    rows = Inspector.objects.filter(team_id__in=set(team_ids), active=True, user__is_active=True)
    for inspector in rows.select_related("user"):
        out[inspector.team_id].append(inspector.user)
    return out


def team_recipients(items: list[Any], day: dt.date) -> dict[int, list[User]]:
    """The duty's recipients (core/duties): the members of each missing shop's team, by roster row."""
    rows = dict(DutySubject.objects.filter(pk__in=[i.subject_id for i in items]).values_list("pk", "subject_id"))
    overrides = dict(Shop.objects.filter(pk__in=set(rows.values())).values_list("pk", "team_id"))
    teams = TeamMap()
    responsible = {i.subject_id: teams.of(overrides.get(rows.get(i.subject_id, 0)), i.region_code) for i in items}
    members = team_members(t for t in responsible.values() if t is not None)
    return {row: members.get(team, []) if team is not None else [] for row, team in responsible.items()}
