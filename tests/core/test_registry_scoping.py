"""The scoping matrix of the registries: endpoint × role × {own, child, sibling, parent} ×
{list, detail, update}. A record outside the scope answers 404, never data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from lianfang.core.accounts.permissions import SystemActor
from lianfang.core.people.services import clean_person, person_register
from lianfang.core.units.models import UnitKind
from lianfang.core.units.services import clean_unit, unit_register
from tests.ids import credit_code, resident_id
from tests.world import World

pytestmark = pytest.mark.django_db

PLACES = ["own", "child", "sibling", "parent"]
# Which places each role sees (list and detail), and may update.
SEES = {
    "commander": {"own", "child", "sibling", "parent"},
    "jiyuan": {"own", "child"},
    "auditor": {"own", "child", "sibling", "parent"},
    "market": set(),
    "worker": set(),
    "admin": set(),
    "expired": set(),
    "nobody": set(),
}
WRITES = {"commander", "jiyuan"}


def _places(world: World) -> dict[str, Any]:
    return {"own": world.jiyuan, "child": world.jiyuan_a, "sibling": world.zhongxin, "parent": world.district}


@pytest.fixture
def people(world: World) -> dict[str, int]:
    made = {}
    for n, (place, region) in enumerate(_places(world).items()):
        data = clean_person(name=f"人{n}", document_number=resident_id(dt.date(1970 + n, 1, 1)), home_region=region)
        person, _ = person_register(actor=SystemActor("test"), data=data, region=world.district)
        made[place] = person.pk
    return made


@pytest.fixture
def units(world: World) -> dict[str, int]:
    made = {}
    for n, (place, region) in enumerate(_places(world).items()):
        data = clean_unit(
            name=f"单位{n}", credit_code=credit_code(f"9141010600000000{n}"), region=region, kinds=[UnitKind.ENTERPRISE]
        )
        unit, _ = unit_register(actor=SystemActor("test"), data=data)
        made[place] = unit.pk
    return made


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world[role])
    if role in ("auditor", "admin"):
        from tests.world import sign_in_with_second_factor

        sign_in_with_second_factor(client, world[role])
    return client


@pytest.mark.parametrize("role", sorted(SEES))
@pytest.mark.parametrize("endpoint", ["people", "units"])
def test_each_role_lists_reads_and_updates_exactly_its_own_records(
    world: World, people: dict[str, int], units: dict[str, int], role: str, endpoint: str
) -> None:
    ids = people if endpoint == "people" else units
    client = _client(world, role)
    listing = client.get(f"/api/v1/{endpoint}/", {"limit": 500})
    listed = {r["id"] for r in listing.json()["results"]} if listing.status_code == 200 else set()
    for place in PLACES:
        visible = place in SEES[role]
        assert (ids[place] in listed) is visible, (role, place, "list")
        detail = client.get(f"/api/v1/{endpoint}/{ids[place]}/")
        assert detail.status_code == (200 if visible else 404), (role, place, "detail")
        page = client.get(f"/registry/{endpoint}/{ids[place]}/")
        assert page.status_code == (200 if visible else 404), (role, place, "page")
        update = client.put(f"/api/v1/{endpoint}/{ids[place]}/", {}, content_type="application/json")
        if not visible:
            assert update.status_code in (403, 404), (role, place, "update")
            assert update.status_code == 404 or role not in WRITES
        elif role in WRITES:
            assert update.status_code == 400, (role, place, "update")  # reached validation: allowed
        else:
            assert update.status_code == 403, (role, place, "update")
