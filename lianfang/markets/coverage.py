"""每日最少过一遍, read from core/duties' tables: for a day, each shop on the daily inspection roster
(open or suspended; a shop closed for the day, 歇业, is exempt and not counted), whether it was
inspected, its responsible team and its subdistrict. The coverage page and the inspector's "my
shops not yet inspected" both read it: one query for the shops, one for the teams, one for the
subdistricts' names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q

from lianfang.core.duties.models import DutyExemption, DutySubject, Submission
from lianfang.core.figures.registry import rate
from lianfang.core.regions.models import Region, RegionLevel
from lianfang.core.regions.scoping import scope_for
from lianfang.core.units.models import Unit

from .duties import DAILY_INSPECTION, SHOP_SUBJECT
from .models import Shop
from .teams import TeamMap

SUBDISTRICT_DIGITS = 9  # a subdistrict's or town's code prefix (410106001)


@dataclass(frozen=True)
class ShopDay:
    shop_id: int
    name: str
    address: str
    community: str
    subdistrict_code: str
    team_id: int | None
    state: str
    inspected: bool


@dataclass
class CoverageRow:
    """One team in one subdistrict on one day."""

    team: str
    subdistrict: str
    code: str = ""
    due: int = 0
    inspected: int = 0
    missing: list[ShopDay] = field(default_factory=list)

    @property
    def rate(self) -> Decimal | None:
        return rate(self.inspected, self.due)


def shop_days(user: Any, day: dt.date, region: Region | None = None, teams: TeamMap | None = None) -> list[ShopDay]:
    """The shops owed an inspection on `day` that the user may see, with whether each was, in the
    roster's order (by region and name). The addresses are read for the shops not inspected."""
    rows = DutySubject.objects.filter(duty=DAILY_INSPECTION.key, subject_type=SHOP_SUBJECT, valid_from__lte=day)
    rows = rows.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    if region is not None:
        rows = rows.filter(region__code__startswith=region.prefix)
    exempt = DutyExemption.objects.filter(
        duty=DAILY_INSPECTION.key,
        subject_type=SHOP_SUBJECT,
        subject_id=OuterRef("subject_id"),
        starts_on__lte=day,
        ends_on__gte=day,
    )
    done = Submission.objects.filter(subject=OuterRef("pk"), day=day, session="", is_current=True)
    values = (
        scope_for(user)
        .filter(rows)
        .exclude(Exists(exempt))
        .annotate(inspected=Exists(done))
        .values_list("subject_id", "name", "region__name", "region__code", "inspected")
        .order_by("region__code", "name")
    )
    found = list(values)
    # The shops' own columns in one more read (a roster row names its shop by id, not by a key).
    listed = Shop.objects.all()
    if region is not None:
        listed = listed.filter(unit__region__code__startswith=region.prefix)
    shops = {pk: (team, state) for pk, team, state in listed.values_list("unit_id", "team_id", "state")}
    missed = [row[0] for row in found if not row[4]]
    addresses = dict(Unit.objects.filter(pk__in=missed).values_list("pk", "address")) if missed else {}
    teams = teams or TeamMap()
    out = []
    for pk, name, community, code, inspected in found:
        team, state = shops.get(pk, (None, ""))
        sub = code[:SUBDISTRICT_DIGITS]
        out.append(ShopDay(pk, name, addresses.get(pk) or "", community, sub, teams.of(team, code), state, inspected))
    return out


def _subdistrict_names(codes: set[str]) -> dict[str, str]:
    found = Region.objects.filter(level__in=(RegionLevel.SUBDISTRICT, RegionLevel.TOWN))
    return {r.code[:SUBDISTRICT_DIGITS]: r.name for r in found if r.code[:SUBDISTRICT_DIGITS] in codes}


def coverage(user: Any, day: dt.date, region: Region | None = None, team_id: int | None = None) -> list[CoverageRow]:
    """The day's coverage per team and subdistrict, with the shops not inspected."""
    team_map = TeamMap()
    shops = [s for s in shop_days(user, day, region, team_map) if team_id is None or s.team_id == team_id]
    teams = team_map.teams
    names = _subdistrict_names({s.subdistrict_code for s in shops})
    rows: dict[tuple[int | None, str], CoverageRow] = {}
    for s in shops:
        key = (s.team_id, s.subdistrict_code)
        row = rows.get(key)
        if row is None:
            team = teams[s.team_id].name if s.team_id in teams else ""
            row = rows[key] = CoverageRow(team, names.get(s.subdistrict_code, s.subdistrict_code), s.subdistrict_code)
        row.due += 1
        if s.inspected:
            row.inspected += 1
        else:
            row.missing.append(s)
    for row in rows.values():
        row.missing.sort(key=_by_address)
    return sorted(rows.values(), key=lambda r: (r.code, r.team))


def _by_address(s: ShopDay) -> tuple[str, str, str]:
    return (s.community, s.address, s.name)


def not_inspected_by_community(user: Any, day: dt.date, team_id: int) -> dict[str, list[ShopDay]]:
    """An inspector's "my shops not yet inspected today": the team's, by community, by address."""
    out: dict[str, list[ShopDay]] = defaultdict(list)
    mine = [s for s in shop_days(user, day) if s.team_id == team_id and not s.inspected]
    for s in sorted(mine, key=lambda s: (s.subdistrict_code, *_by_address(s))):
        out[s.community].append(s)
    return dict(out)
